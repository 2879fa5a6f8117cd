/*
 * uri.h: how a URI is shown.  A target or an endpoint may carry secrets
 * in its userinfo (http://bob:secret@host/) or, for HTTP, its query
 * (?token=...); wherever hs names one (--stats, messages, dead-letter
 * records) it shows hs_uri_shown()'s form: the password (or a userinfo
 * without one, which is a token) and every value of an http:// or
 * https:// query replaced by "***", the rest as given (the query of
 * file:, exec: and the other kinds holds hs's own options).
 * It owns only that rule; requests use the URI itself.
 */
#ifndef HS_URI_H
#define HS_URI_H

/* The shown form of uri, allocated (free() it). */
char *hs_uri_shown(const char *uri);

#endif
