/* The boot CPU is the only CPU in this kernel. */
static inline unsigned int smp_processor_id(void) { return 0; }
