"""What the deliveries routes take and answer besides the list (`schemas.Delivery`)."""

from pydantic import BaseModel, Field

from moderation.deliveries import MAX_BATCH, DeliveryOutcome


class DeliveredIds(BaseModel):
    """The posts to mark delivered (POST /deliveries/delivered)."""

    ids: list[str] = Field(min_length=1, max_length=MAX_BATCH)


class DeliveryMarked(BaseModel):
    """What marking one id did."""

    id: str
    result: DeliveryOutcome


class DeliveriesMarked(BaseModel):
    """One result per id, in the order asked (duplicates answered once)."""

    results: list[DeliveryMarked]
