# Snapshots: embed data/mxtrace.snap in the library, and `make data` to regenerate it.
#
# The embedded copy is compiled from a C array that tools/bin2c writes at build time, so a
# fresh clone builds without ../shared (only data/mxtrace.snap, which is committed). Set
# NO_EMBED=1 to build a binary without it (for size comparisons); it then needs --data DIR.

# Rules here come before the Makefile's own: keep `all` the default goal.
.DEFAULT_GOAL := all

SNAP_FILE   := data/mxtrace.snap
SNAP_EMBED  := $(if $(NO_EMBED),,$(wildcard $(SNAP_FILE)))
HOSTCC      ?= $(CC)
SHARED_DATA ?= ../shared/data

GEN_SRC += $(BUILD)/gen/snap_embed.c

# bin2c runs on the build machine and needs nothing of the library (no cycle through $(LIB)).
$(BUILD)/tools/bin2c: tools/bin2c.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

# Rebuilt when the snapshot changes or when switching NO_EMBED (the stamp records which).
$(BUILD)/gen/snap_embed.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SNAP_EMBED)' | cmp -s - $@ || echo '$(SNAP_EMBED)' > $@

$(BUILD)/gen/snap_embed.c: $(BUILD)/tools/bin2c $(BUILD)/gen/snap_embed.stamp $(SNAP_EMBED)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/bin2c snap_embedded $(SNAP_EMBED) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/snap_embed.o: $(BUILD)/gen/snap_embed.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Dates of inputs that carry none inside (see ../shared/data/PROVENANCE.md).
SNAP_DATES ?= --source-date dns/public_suffix_list.dat=2026-08-19 \
              --source-date whois-servers/iana-root-db/tld-whois-rdap.csv=2026-08-08

.PHONY: data FORCE
FORCE:

# Regenerate data/mxtrace.snap from $(SHARED_DATA) (skipped, with a note, when absent).
data: $(BUILD)/tools/snapgen
	@if [ -d "$(SHARED_DATA)" ]; then \
		echo "$(BUILD)/tools/snapgen --from $(SHARED_DATA) --out data ..."; \
		$(BUILD)/tools/snapgen --from $(SHARED_DATA) --out data \
			--known-defects tools/known-defects $(SNAP_DATES); \
	else \
		echo "make data: $(SHARED_DATA) not found; data/ left as it is"; \
	fi
