/*
 * seqname.h: the names of a rotated file series, shared by hs-fanout
 * (which writes x.ndjson, x.1.ndjson, x.2.ndjson, ...) and hs-replay
 * (which reads such a series back in sequence order).  The naming rule
 * lives here, and finding a series' last member in its directory; no
 * file is opened, and nothing is ordered by time.
 *
 * The rule: sequence number N (N >= 1) goes before the extension chain
 * of the file's name.  The extension chain is the last extension, or the
 * last two when the last is ".zst"; a number is never an extension:
 * x.ndjson -> x.N.ndjson, x.ndjson.zst -> x.N.ndjson.zst,
 * x.zst -> x.N.zst, x -> x.N.  Member 0 is the name itself.
 */
#ifndef HS_SEQNAME_H
#define HS_SEQNAME_H

#include <stddef.h>

/* Offset in path where the extension chain of its last component starts
 * (strlen(path) when it has none). */
size_t hs_seq_ext(const char *path);

/* Member seq of the series named path (malloc'd; seq 0 is path). */
char *hs_seq_name(const char *path, unsigned long seq);

/*
 * Split path into its series and sequence number: *stem is the length
 * of the part before ".N" (or before the extension chain when there is
 * no ".N"), *ext the offset of the extension chain, *seq the number
 * (0 when none).  The series is path[0..stem) followed by path[ext..].
 * A number with a leading zero ("x.01.ndjson") is not a sequence number.
 */
void hs_seq_parse(const char *path, size_t *stem, size_t *ext,
                  unsigned long *seq);

/* The highest sequence number of path's series (members named
 * hs_seq_name(path, N)) in path's directory; 0 when there is none. */
unsigned long hs_seq_last(const char *path);

#endif
