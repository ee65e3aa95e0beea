"""A family's submissions: one lifecycle (`lifecycle.py`) for every kind, and a small module per
kind (`applications.py`, `posts.py`) holding only what differs: who may send it, what it
records beside the submission, and what a reviewer's decision sets off."""
