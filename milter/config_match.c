/*
 * config_match.c - who is who under a configuration: addresses inside the
 * company's domains, and the sales reps among them (see config.h).
 *
 * Public: dt_config_is_internal(), dt_config_is_rep(), dt_address_listed(),
 * dt_address_match(), dt_config_digest_language_for().
 *
 * Addresses come from mail and are hostile: any string (or NULL) is
 * answered false rather than trusted; domains compare without case and
 * only on label boundaries ("notcorp.example" is not "corp.example").
 */
#include "dealtemp/config.h"

#include <string.h>
#include <strings.h>

/* The domain of "user@domain" or "<user@domain>", as a pointer and length. */
static bool addr_domain(const char *addr, const char **dom, size_t *len)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    if (!at)
        return false;
    *dom = at + 1;
    *len = strlen(*dom);
    if (*len > 0 && (*dom)[*len - 1] == '>')
        (*len)--;
    return *len > 0;
}

/* dom[0..len) is d or a subdomain of d (both compared without case). */
static bool domain_within(const char *dom, size_t len, const char *d)
{
    size_t dl = strlen(d);
    if (len == dl)
        return strncasecmp(dom, d, len) == 0;
    return len > dl && dom[len - dl - 1] == '.' && strncasecmp(dom + len - dl, d, dl) == 0;
}

bool dt_config_is_internal(const struct dt_config *cfg, const char *addr)
{
    const char *dom;
    size_t len;
    if (!cfg || !addr_domain(addr, &dom, &len))
        return false;
    for (size_t i = 0; i < cfg->n_internal_domains; i++)
        if (domain_within(dom, len, cfg->internal_domains[i]))
            return true;
    return false;
}

/* An exact address outranks any domain, which ranks by its length. */
#define EXACT_MATCH ((size_t)1 << 16)

size_t dt_address_match(const char *entry, const char *addr)
{
    const char *dom;
    size_t len;
    if (entry == NULL || !addr_domain(addr, &dom, &len))
        return 0;
    if (entry[0] == '@')
        return domain_within(dom, len, entry + 1) ? 1 + strlen(entry + 1) : 0;
    const char *start = addr[0] == '<' ? addr + 1 : addr;
    size_t alen = (size_t)(dom + len - start);
    return strlen(entry) == alen && strncasecmp(start, entry, alen) == 0 ? EXACT_MATCH : 0;
}

bool dt_address_listed(char *const *list, size_t n, const char *addr)
{
    for (size_t i = 0; list != NULL && i < n; i++)
        if (dt_address_match(list[i], addr) > 0)
            return true;
    return false;
}

bool dt_config_is_rep(const struct dt_config *cfg, const char *addr)
{
    if (!dt_config_is_internal(cfg, addr))
        return false;
    return cfg->n_reps == 0 || dt_address_listed(cfg->reps, cfg->n_reps, addr);
}

const char *dt_config_digest_language_for(const struct dt_config *cfg, const char *addr)
{
    if (cfg == NULL)
        return "en";
    const char *lang = cfg->digest_language ? cfg->digest_language : "en";
    size_t best = 0;
    for (size_t i = 0; i < cfg->n_digest_languages; i++) {
        size_t m = dt_address_match(cfg->digest_languages[i].rep, addr);
        if (m > best) {
            best = m;
            lang = cfg->digest_languages[i].language;
        }
    }
    return lang;
}
