/*
 * The VGA text screen: 80x25 cells at physical 0xB8000.
 *
 * Each cell is a 16-bit word, character in the low byte and colour in
 * the high byte.  The kernel reaches the buffer through the higher-half
 * direct map (the boot page tables map physical 0-4 MiB at PAGE_OFFSET),
 * so no mapping is set up here.  Output only ever appends at the cursor:
 * '\n' starts a new line (the serial side gets "\r\n"; the screen needs
 * no '\r'), '\r' returns to column 0, '\b' steps back without erasing
 * (the shell erases with "\b \b"), '\t' advances to the next multiple of
 * 8.  Reaching the bottom scrolls the whole screen up a line.  The
 * hardware cursor follows through the CRT controller's index/data ports.
 *
 * The screen is a mirror of the serial console for someone watching the
 * machine; nothing reads it back, and there is no scroll-back.
 *
 * Locking: the cursor position is shared state; vga_putc() is called only
 * by the console layer, which serialises writers by disabling interrupts.
 */
#include "mm/arch.h"
#include "console.h"
#include "io.h"

#define VGA_PHYS	0xb8000u
#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_TAB		8
#define VGA_ATTR	0x07	/* light grey on black */

#define CRTC_INDEX	0x3d4
#define CRTC_DATA	0x3d5
#define CRTC_CURSOR_HI	0x0e
#define CRTC_CURSOR_LO	0x0f

static uint16_t *const vga_buf = (uint16_t *)(PAGE_OFFSET + VGA_PHYS);
static unsigned int vga_row, vga_col;

static inline uint16_t vga_cell(char c)
{
	return (uint16_t)(VGA_ATTR << 8) | (unsigned char)c;
}

static void vga_blank_row(unsigned int row)
{
	volatile uint16_t *cell = vga_buf + row * VGA_COLS;
	unsigned int i;

	for (i = 0; i < VGA_COLS; i++)
		cell[i] = vga_cell(' ');
}

static void vga_scroll(void)
{
	memmove(vga_buf, vga_buf + VGA_COLS,
		(VGA_ROWS - 1) * VGA_COLS * sizeof(*vga_buf));
	vga_blank_row(VGA_ROWS - 1);
}

static void vga_move_cursor(void)
{
	unsigned int pos = vga_row * VGA_COLS + vga_col;

	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

static void vga_newline(void)
{
	vga_col = 0;
	if (++vga_row == VGA_ROWS) {
		vga_scroll();
		vga_row = VGA_ROWS - 1;
	}
}

void vga_init(void)
{
	unsigned int row;

	for (row = 0; row < VGA_ROWS; row++)
		vga_blank_row(row);
	vga_row = 0;
	vga_col = 0;
	vga_move_cursor();
}

void vga_putc(char c)
{
	volatile uint16_t *cell;

	switch (c) {
	case '\n':
		vga_newline();
		break;
	case '\r':
		vga_col = 0;
		break;
	case '\b':
		if (vga_col > 0)
			vga_col--;
		break;
	case '\t':
		vga_col = (vga_col + VGA_TAB) & ~(VGA_TAB - 1u);
		if (vga_col >= VGA_COLS)
			vga_newline();
		break;
	default:
		cell = vga_buf + vga_row * VGA_COLS + vga_col;
		*cell = vga_cell(c);
		if (++vga_col == VGA_COLS)
			vga_newline();
		break;
	}
	vga_move_cursor();
}
