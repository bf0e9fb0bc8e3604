# WHOIS engine build steps: embed the plain-text tables of data/whois/ into the library.
# Each list becomes a NUL-terminated byte array plus its length; the loader in
# src/data/whois_tab.c parses them at run time and refuses malformed lines (checked by
# tests/unit/check_whois_tab.c, which loads the embedded copy).

# This fragment is included before the Makefile's first rule: keep 'all' the default goal.
.DEFAULT_GOAL := all

WHOIS_LISTS := servers markers contacts fields
WHOIS_TAB_C := $(BUILD)/gen/whois_tables.c
GEN_SRC     += $(WHOIS_TAB_C)

$(WHOIS_TAB_C): $(WHOIS_LISTS:%=data/whois/%.txt) mk/whois.mk
	@mkdir -p $(dir $@)
	{ echo '/* Generated from the lists in data/whois/ by mk/whois.mk: do not edit. */'; \
	  echo '#include "whois_tab.h"'; \
	  for l in $(WHOIS_LISTS); do \
	    echo "const unsigned char whois_tab_$$l[] = {"; \
	    od -An -v -tx1 data/whois/$$l.txt | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0x00 };'; \
	    echo "const size_t whois_tab_$${l}_len = $$(wc -c < data/whois/$$l.txt);"; \
	  done; } > $@.tmp && mv $@.tmp $@

$(WHOIS_TAB_C:%.c=%.o): $(WHOIS_TAB_C) $(BUILD)/.flags
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<
