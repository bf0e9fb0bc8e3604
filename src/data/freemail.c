/* The free-mail provider table: domains, MX host suffixes and abuse desks, each dated. */
#include <string.h>

#include "freemail.h"
#include "text.h"

#define FREEMAIL_MAX_SUFFIX_LABEL 3 /* "name.*" matches labels of at most this many letters */

/*
 * Desks come from the research notes (shared/research/abuse-anchors.md §4.5/§4.6), which
 * quote the providers' own help pages and SMTP rejections. This build environment has no
 * Internet access, so entries are marked not verified: confirm before relying on them and
 * update `checked` when you do.
 */
#define NOTES "research notes abuse-anchors.md §4.5 (provider help pages as quoted there)"
#define CHECKED "2026-12-04"

enum prov {
	P_GOOGLE, P_MICROSOFT, P_YAHOO, P_AOL, P_MAILRU, P_YANDEX, P_UNITED, P_PROTON, P_APPLE,
	P_ZOHO, P_TUTA, P_FASTMAIL, P_TENCENT, P_NETEASE, P_OTHER_NODESK,
};

static const struct freemail_provider providers[] = {
	[P_GOOGLE] = { "Google (Gmail)", NULL, "https://support.google.com/mail/contact/abuse",
	               "web form, one account per report; paste the full headers and body",
	               CHECKED, NOTES, false },
	[P_MICROSOFT] = { "Microsoft (Outlook.com)", "abuse@outlook.com", NULL,
	                  "forward the offending message with its full headers and details",
	                  CHECKED, NOTES, false },
	[P_YAHOO] = { "Yahoo", "abuse@yahoo.com", NULL,
	              "send full headers (Yahoo also runs a Report Abuse web form)", CHECKED,
	              NOTES, false },
	[P_AOL] = { "AOL (Yahoo Inc.)", "abuse@aol.com", NULL,
	            "send full headers (Yahoo's Report Abuse web form also covers AOL)", CHECKED,
	            NOTES, false },
	[P_MAILRU] = { "Mail.ru (VK)", "abuse@corp.mail.ru", NULL,
	               "address named in mail.ru's own SMTP rejections; send full headers",
	               CHECKED, NOTES, false },
	[P_YANDEX] = { "Yandex Mail", NULL, "https://yandex.com/support/mail/",
	               "Yandex support form (abuse@yandex-team.ru is seen for Yandex networks, "
	               "unconfirmed for mailboxes)", CHECKED, NOTES, false },
	[P_UNITED] = { "United Internet (GMX, WEB.DE, mail.com)", NULL,
	               "https://postmaster.gmx.net/",
	               "postmaster upload of the message as EML/MSG; no public abuse@ address",
	               CHECKED, NOTES, false },
	[P_PROTON] = { "Proton Mail", "abuse@proton.me", "https://proton.me/support/report-abuse",
	               "web form or e-mail with the full message", CHECKED, NOTES, false },
	[P_APPLE] = { "Apple (iCloud Mail)", "abuse@icloud.com", NULL,
	              "forward the message as an attachment", CHECKED, NOTES, false },
	[P_ZOHO] = { "Zoho Mail", "abuse@zoho.com", NULL, "send full headers and body", CHECKED,
	             NOTES, false },
	[P_TUTA] = { "Tuta (Tutanota)", "abuse@tutao.de", NULL, "send full headers and body",
	             CHECKED, NOTES, false },
	[P_FASTMAIL] = { "Fastmail", "abuse@fastmail.com", NULL, "send full headers and body",
	                 CHECKED, NOTES, false },
	[P_TENCENT] = { "Tencent (QQ Mail)", NULL, NULL,
	                "no desk recorded: use the network and registrar contacts", CHECKED,
	                "SpamAssassin 20_freemail_domains.cf (domain list only)", false },
	[P_NETEASE] = { "NetEase (163/126 Mail)", NULL, NULL,
	                "no desk recorded: use the network and registrar contacts", CHECKED,
	                "SpamAssassin 20_freemail_domains.cf (domain list only)", false },
	[P_OTHER_NODESK] = { "free-mail provider", NULL, NULL,
	                     "no desk recorded: use the network and registrar contacts", CHECKED,
	                     "SpamAssassin 20_freemail_domains.cf and the shared scam corpus",
	                     false },
};

struct dom {
	const char *pattern;
	enum prov p;
};

/* Sorted by provider, not by name: lookups are linear over a small table. */
static const struct dom domains[] = {
	{ "gmail.com", P_GOOGLE },        { "googlemail.com", P_GOOGLE },
	{ "outlook.*", P_MICROSOFT },     { "hotmail.*", P_MICROSOFT },
	{ "live.*", P_MICROSOFT },        { "msn.com", P_MICROSOFT },
	{ "windowslive.com", P_MICROSOFT }, { "passport.com", P_MICROSOFT },
	{ "yahoo.*", P_YAHOO },           { "ymail.com", P_YAHOO },
	{ "rocketmail.com", P_YAHOO },    { "aol.*", P_AOL },
	{ "aim.com", P_AOL },             { "mail.ru", P_MAILRU },
	{ "inbox.ru", P_MAILRU },         { "list.ru", P_MAILRU },
	{ "bk.ru", P_MAILRU },            { "internet.ru", P_MAILRU },
	{ "yandex.*", P_YANDEX },         { "ya.ru", P_YANDEX },
	{ "narod.ru", P_YANDEX },         { "gmx.*", P_UNITED },
	{ "web.de", P_UNITED },           { "mail.com", P_UNITED },
	{ "email.com", P_UNITED },        { "usa.com", P_UNITED },
	{ "post.com", P_UNITED },         { "consultant.com", P_UNITED },
	{ "europe.com", P_UNITED },       { "engineer.com", P_UNITED },
	{ "proton.me", P_PROTON },        { "protonmail.com", P_PROTON },
	{ "protonmail.ch", P_PROTON },    { "pm.me", P_PROTON },
	{ "icloud.com", P_APPLE },        { "me.com", P_APPLE },
	{ "mac.com", P_APPLE },           { "zoho.*", P_ZOHO },
	{ "zohomail.*", P_ZOHO },         { "tutanota.com", P_TUTA },
	{ "tutanota.de", P_TUTA },        { "tutamail.com", P_TUTA },
	{ "tuta.io", P_TUTA },            { "tuta.com", P_TUTA },
	{ "keemail.me", P_TUTA },         { "fastmail.*", P_FASTMAIL },
	{ "messagingengine.com", P_FASTMAIL }, { "qq.com", P_TENCENT },
	{ "foxmail.com", P_TENCENT },     { "163.com", P_NETEASE },
	{ "126.com", P_NETEASE },         { "yeah.net", P_NETEASE },
	{ "mail.ee", P_OTHER_NODESK },    { "hot.ee", P_OTHER_NODESK },
	{ "kakao.com", P_OTHER_NODESK },  { "daum.net", P_OTHER_NODESK },
	{ "hanmail.net", P_OTHER_NODESK }, { "naver.com", P_OTHER_NODESK },
	{ "rediffmail.com", P_OTHER_NODESK }, { "seznam.cz", P_OTHER_NODESK },
	{ "wp.pl", P_OTHER_NODESK },      { "o2.pl", P_OTHER_NODESK },
	{ "interia.pl", P_OTHER_NODESK }, { "onet.pl", P_OTHER_NODESK },
	{ "libero.it", P_OTHER_NODESK },  { "laposte.net", P_OTHER_NODESK },
	{ "orange.fr", P_OTHER_NODESK },  { "free.fr", P_OTHER_NODESK },
	{ "sfr.fr", P_OTHER_NODESK },     { "t-online.de", P_OTHER_NODESK },
	{ "freenet.de", P_OTHER_NODESK }, { "rambler.ru", P_OTHER_NODESK },
	{ "ukr.net", P_OTHER_NODESK },    { "abv.bg", P_OTHER_NODESK },
	{ "sina.com", P_OTHER_NODESK },   { "sohu.com", P_OTHER_NODESK },
	{ "aliyun.com", P_OTHER_NODESK }, { "hushmail.com", P_OTHER_NODESK },
	{ "mailfence.com", P_OTHER_NODESK }, { "posteo.de", P_OTHER_NODESK },
	{ "mailbox.org", P_OTHER_NODESK }, { "inbox.lv", P_OTHER_NODESK },
	{ "juno.com", P_OTHER_NODESK },   { "gawab.com", P_OTHER_NODESK },
};

struct mx {
	const char *suffix;      /* matched at a label boundary */
	enum prov p;
};

/* §4.6: MX hosts of hosted tenants. */
static const struct mx mx_hosts[] = {
	{ "google.com", P_GOOGLE },             { "googlemail.com", P_GOOGLE },
	{ "protection.outlook.com", P_MICROSOFT }, { "olc.protection.outlook.com", P_MICROSOFT },
	{ "hotmail.com", P_MICROSOFT },         { "yahoodns.net", P_YAHOO },
	{ "mxs.mail.ru", P_MAILRU },            { "mx.yandex.net", P_YANDEX },
	{ "mx.yandex.ru", P_YANDEX },           { "protonmail.ch", P_PROTON },
	{ "zoho.com", P_ZOHO },                 { "zoho.eu", P_ZOHO },
	{ "zohomail.com", P_ZOHO },             { "mail.icloud.com", P_APPLE },
	{ "messagingengine.com", P_FASTMAIL },  { "gmx.net", P_UNITED },
	{ "web.de", P_UNITED },                 { "mail.com", P_UNITED },
	{ "tutanota.de", P_TUTA },              { "qq.com", P_TENCENT },
};

/* "name.*": name, then 1-2 labels of 2..3 letters (the registry part). */
static bool wild_match(const char *pat, size_t pl, const char *d)
{
	const char *rest;
	int labels = 0;

	if (strncmp(d, pat, pl) != 0 || d[pl] != '.')
		return false;
	rest = d + pl + 1;
	while (*rest) {
		size_t l = 0;

		while (rest[l] && rest[l] != '.') {
			if (!((rest[l] >= 'a' && rest[l] <= 'z')))
				return false;
			l++;
		}
		if (l < 2 || l > FREEMAIL_MAX_SUFFIX_LABEL || ++labels > 2)
			return false;
		rest += l;
		if (*rest == '.')
			rest++;
	}
	return labels >= 1;
}

const struct freemail_provider *freemail_lookup(const char *domain)
{
	size_t i;

	if (!domain)
		return NULL;
	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		const char *p = domains[i].pattern;
		size_t pl = strlen(p);

		if (pl > 2 && p[pl - 1] == '*' && p[pl - 2] == '.') {
			if (wild_match(p, pl - 2, domain))
				return &providers[domains[i].p];
		} else if (strcmp(p, domain) == 0) {
			return &providers[domains[i].p];
		}
	}
	return NULL;
}

const struct freemail_provider *freemail_by_mx(const char *host)
{
	size_t i, hl;

	if (!host)
		return NULL;
	hl = strlen(host);
	if (hl && host[hl - 1] == '.')
		hl--;
	for (i = 0; i < sizeof(mx_hosts) / sizeof(mx_hosts[0]); i++) {
		size_t sl = strlen(mx_hosts[i].suffix);

		if (hl < sl || !ascii_nieq(host + hl - sl, mx_hosts[i].suffix, sl))
			continue;
		if (hl == sl || host[hl - sl - 1] == '.')
			return &providers[mx_hosts[i].p];
	}
	return NULL;
}

bool freemail_entry(size_t i, const char **pattern, const struct freemail_provider **p)
{
	if (i >= sizeof(domains) / sizeof(domains[0]))
		return false;
	*pattern = domains[i].pattern;
	*p = &providers[domains[i].p];
	return true;
}
