"""What staff do to the items of their institutions: claim, decide, deliver, and every look
at a family's file recorded in the audit log."""
