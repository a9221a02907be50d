"""The staff improvement loop's records: every knowledge answer the assistant gave (or could not give), the
users' 👍/👎 on them, and the review queue staff work through. Used by the actions (writing) and the staff
console (reading, reviewing)."""
