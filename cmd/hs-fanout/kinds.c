/*
 * kinds.c: the table of target kinds, one row per URI scheme.  Adding a
 * kind is adding its row here and its file (its struct target_ops, see
 * target.h); target.c consults only this table, never a kind by name.
 * The order is the order of the "unknown target" message.
 */
#include <stddef.h>

#include "target.h"
#include "banned.h"

const struct fo_kind fo_kinds[] = {
    {"-", 1, &fo_stdout_ops},
    {"file:", 0, &fo_file_ops},
    {"exec:", 0, &fo_exec_ops},
    {"http://", 0, &fo_http_ops},
    {"https://", 0, &fo_http_ops},
    {"kafka://", 0, &fo_kafka_ops},
    {"eventbridge://", 0, &fo_eventbridge_ops},
    {"arn:aws:events:", 0, &fo_eventbridge_ops},
};

const size_t fo_nkinds = sizeof fo_kinds / sizeof fo_kinds[0];
