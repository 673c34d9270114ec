/*
 * Self tests of device-interrupt routing (arch/i386/irq.c, ioapic.c):
 * the routing invariants hold as the controller's registers say, and a
 * mask and unmask through the front end reach the register of whichever
 * controller is in charge.
 */
#include "irq.h"
#include "selftest.h"
#include "trap.h"
#include "mm/arch.h"

SELFTEST(irq, routing_invariants)
{
	unsigned int bad = irq_check();

	return bad ? selftest_fail("irq_check found %u violations (see "
				   "above)", bad) : NULL;
}

/*
 * The serial line is in use and unmasked: mask it, unmask it again, with
 * interrupts off so that no byte is taken in between (the UART keeps it).
 */
SELFTEST(irq, mask_round_trip)
{
	unsigned long flags;
	const char *err = NULL;

	if (!(irq_used() & (1u << IRQ_COM1)) || irq_masked(IRQ_COM1))
		return selftest_fail("IRQ %u is not in use and unmasked",
				     IRQ_COM1);
	flags = arch_irq_save();
	irq_mask(IRQ_COM1);
	if (!irq_masked(IRQ_COM1))
		err = selftest_fail("IRQ %u still unmasked after irq_mask()",
				    IRQ_COM1);
	else if (irq_check())
		err = selftest_fail("irq_check failed with IRQ %u masked",
				    IRQ_COM1);
	irq_unmask(IRQ_COM1);
	if (!err && irq_masked(IRQ_COM1))
		err = selftest_fail("IRQ %u still masked after irq_unmask()",
				    IRQ_COM1);
	arch_irq_restore(flags);
	return err ?: (irq_check() ? selftest_fail("irq_check failed after "
						   "the round trip") : NULL);
}
