/*
 * IO-APIC routing arithmetic: ISA IRQ -> GSI through the firmware's
 * source overrides, GSI -> IO-APIC pin, and the redirection entry.
 *
 * An ISA IRQ arrives on the GSI of its own number, edge triggered and
 * active high, unless the firmware lists an override for it (MADT
 * "Interrupt Source Override", or an MP interrupt entry that differs from
 * the identity); the override's MPS INTI flags may leave polarity or
 * trigger "as the bus says", which for ISA is the same default.  The
 * reserved flag value is taken as the default too, and flagged so the
 * caller can say so.
 *
 * Locking: none; pure functions of their arguments.
 */
#include "ioapic_route.h"
#include "mm/arch.h"

static const struct smp_irq_override *override_of(const struct smp_config *cfg,
						  unsigned int irq)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_overrides; i++)
		if (cfg->overrides[i].isa_irq == irq)
			return &cfg->overrides[i];
	return NULL;
}

/* Whether an override of another IRQ than @irq sends it to @gsi. */
static bool gsi_taken(const struct smp_config *cfg, unsigned int irq,
		      uint32_t gsi)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_overrides; i++)
		if (cfg->overrides[i].gsi == gsi &&
		    cfg->overrides[i].isa_irq != irq)
			return true;
	return false;
}

static void apply_flags(struct isa_route *r, uint16_t flags)
{
	unsigned int pol = flags & INTI_POLARITY_MASK;
	unsigned int trig = flags & INTI_TRIGGER_MASK;

	r->active_low = pol == INTI_POLARITY_LOW;
	r->level = trig == INTI_TRIGGER_LEVEL;
	r->flags_reserved = pol == 0x2u ||
			    trig == (0x2u << INTI_TRIGGER_SHIFT);
}

int isa_irq_route(const struct smp_config *cfg, unsigned int irq,
		  struct isa_route *r)
{
	const struct smp_irq_override *o;

	if (irq >= ISA_IRQS)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (irq == ISA_IRQ_CASCADE)
		return -ENOENT;
	o = override_of(cfg, irq);
	if (o) {
		r->gsi = o->gsi;
		apply_flags(r, o->flags);
		return 0;
	}
	if (gsi_taken(cfg, irq, irq))
		return -ENOENT;
	r->gsi = irq;
	return 0;
}

/* One past the last GSI, in 64 bits: a firmware base near 2^32 wraps. */
static uint64_t range_end(const struct ioapic_range *r)
{
	return (uint64_t)r->gsi_base + r->entries;
}

void ioapic_gsi_bases(struct ioapic_range *r, unsigned int n)
{
	uint64_t top = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!r[i].entries)
			continue;
		if (r[i].gsi_base == SMP_GSI_UNKNOWN)
			r[i].gsi_base = (uint32_t)MIN(top, SMP_GSI_UNKNOWN - 1);
		top = MAX(top, range_end(&r[i]));
	}
}

int ioapic_range_overlap(const struct ioapic_range *r, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && r[i].entries; j++) {
			if (r[j].entries && r[i].gsi_base < range_end(&r[j]) &&
			    r[j].gsi_base < range_end(&r[i]))
				return (int)i;
		}
	}
	return -1;
}

int ioapic_gsi_lookup(const struct ioapic_range *r, unsigned int n,
		      uint32_t gsi, unsigned int *pin)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t base = r[i].gsi_base;

		if (r[i].entries && base != SMP_GSI_UNKNOWN && gsi >= base &&
		    gsi - base < r[i].entries) {
			*pin = gsi - base;
			return (int)i;
		}
	}
	return -ENOENT;
}

uint64_t ioapic_rte(const struct isa_route *route, uint8_t vector,
		    uint8_t dest, bool masked)
{
	uint64_t rte = vector;

	if (route->active_low)
		rte |= RTE_ACTIVE_LOW;
	if (route->level)
		rte |= RTE_LEVEL;
	if (masked)
		rte |= RTE_MASKED;
	return rte | (uint64_t)dest << RTE_DEST_SHIFT;
}
