"""The audit log: an append-only record of what HR did. Used by every package; uses none."""
