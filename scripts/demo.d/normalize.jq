# The pipe's one normalization of media events: every spoke sees the same
# shape.  Personal data (the owner's e-mail and IP) never leaves the pipe.
.detail |= (
  .codec |= ascii_upcase
  | .durationMinutes = ((.durationSeconds // 0) / 60 | floor)
  | .owner |= {team}
  | .tags |= (. // [] | unique)
)
| .["detail-type"] |= ascii_downcase
