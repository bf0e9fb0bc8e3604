/* Status codes shared by every module, and the process exit codes of the CLI. */
#ifndef MXTRACE_STATUS_H
#define MXTRACE_STATUS_H

/*
 * Status codes returned by library functions. Protocol outcomes (NXDOMAIN, no match,
 * rate-limited) are results carried in structs, not statuses: a status says whether the
 * function could do its job at all.
 */
enum status {
	ST_OK = 0,
	ST_NOMEM,       /* allocation failed */
	ST_TOOBIG,      /* a capped buffer or a named limit was exceeded */
	ST_TRUNC,       /* input ended before a complete item */
	ST_MALFORMED,   /* input violates its format */
	ST_INVAL,       /* caller passed an invalid argument */
	ST_IO,          /* system call failed (errno is kept by the caller if needed) */
	ST_TIMEOUT,     /* a deadline passed */
	ST_NOTFOUND,    /* lookup found nothing */
	ST_UNSUPPORTED, /* valid but not handled */
	ST_CLOSED,      /* peer closed the connection */
	ST_REFUSED,     /* connection or request refused */
	ST_AGAIN,       /* would block / try again later */
	ST_CANCELLED,   /* operation cancelled */
	ST__COUNT
};

/* A short lower-case English description of a status; never NULL. */
const char *status_str(int st);

/* Process exit codes, sysexits-style (documented in README.md and mxtrace(1)). */
enum exit_code {
	EXIT_FOUND = 0,        /* found what was asked */
	EXIT_NOTHING = 1,      /* nothing to report (no mail service, no candidate, no match) */
	EXIT_USAGE = 64,       /* command line usage error */
	EXIT_DATAERR = 65,     /* input data was malformed */
	EXIT_NOINPUT = 66,     /* an input file could not be opened */
	EXIT_UNAVAILABLE = 69, /* a service is unavailable */
	EXIT_SOFTWARE = 70,    /* internal error */
	EXIT_CANTCREAT = 73,   /* an output file could not be created */
	EXIT_TEMPFAIL = 75     /* temporary failure: retry later */
};

#endif
