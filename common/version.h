/*
 * version.h: the hs version that --version prints (opts.c).
 */
#ifndef HS_VERSION_H
#define HS_VERSION_H
#define HS_VERSION "0.1.0"
#endif
