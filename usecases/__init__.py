"""The use cases: what families, staff, workers and operators do, one transaction each.

The only layer that commits. Below it: `storage/` (tables, sessions, files), `moderation/`
(the rules), `core/` (settings, security). Above it: the two web APIs, the workers and the
composition in `familybook/`, which call in here and never end a transaction themselves.
"""
