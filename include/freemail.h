/* Free-mail and large mailbox providers, with their abuse desks: a dated data table. */
#ifndef MXTRACE_FREEMAIL_H
#define MXTRACE_FREEMAIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A provider. A reply address at one of its domains is reported to the provider's desk:
 * the MX hosts and the registrar of the domain belong to the provider, not the scammer.
 * abuse_email and abuse_form may each be NULL; both NULL means no desk is recorded and
 * the caller should fall back to the network and registrar contacts. `checked` is the
 * date (YYYY-MM-DD) the entry was last compared with its source; `source` names it.
 */
struct freemail_provider {
	const char *name;
	const char *abuse_email;
	const char *abuse_form;
	const char *how;         /* what the desk wants, in a sentence */
	const char *checked;
	const char *source;
	bool verified;           /* false: taken from notes, not yet confirmed at the source */
};

/*
 * Provider of a lower-case ASCII (A-label) domain, or NULL. Patterns are exact domains or
 * "name.*", which matches name followed by one or two short country/generic labels
 * ("hotmail.co.uk", "yahoo.com.br", not "hotmail.evil.example").
 */
const struct freemail_provider *freemail_lookup(const char *domain);

/* Provider whose mail servers an MX host name belongs to (hosted tenants such as Google
 * Workspace or Microsoft 365 domains), or NULL. Case-insensitive, final dot ignored. */
const struct freemail_provider *freemail_by_mx(const char *host);

/* Iterate the domain table (tests, `--json` dumps): false past the end. */
bool freemail_entry(size_t i, const char **pattern, const struct freemail_provider **p);

#endif
