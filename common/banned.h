/*
 * banned.h: functions that are too easy to misuse, as in git's banned.h.
 * Included last in every .c file, so a use is a compile error.
 */
#ifndef HS_BANNED_H
#define HS_BANNED_H

#define HS_BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) HS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) HS_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) HS_BANNED(strncpy)
#undef sprintf
#define sprintf(...) HS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) HS_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) HS_BANNED(strtok)
#undef gmtime
#define gmtime(t) HS_BANNED(gmtime)
#undef localtime
#define localtime(t) HS_BANNED(localtime)
#undef atoi
#define atoi(s) HS_BANNED(atoi)
#undef atol
#define atol(s) HS_BANNED(atol)

#endif
