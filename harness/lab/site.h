/*
 * site: the lab's dashboard, a static web site of every night analysed
 * (nightly.h's report): DIR/index.html lists the nights of each source
 * with their status and kernel build; one page per night holds its
 * comparison against the previous good night as an HTML table, its change
 * points and links to its logs; one page per case holds its history chart
 * (site-chart.c, gnuplot SVG) and its nights. No script, no external asset:
 * open the files or serve the folder. Written by `gupharness nightly` into
 * its report_dir and by `gupharness site`.
 */
#ifndef GUPBENCH_SITE_H
#define GUPBENCH_SITE_H

#include "harness/lab/nightly.h"

#include <stdio.h>

/* Write the site into dir; EXIT_OK or an exit status from util.h (error printed). */
int site_write(const struct nightly_report *r, const char *dir);

/* printf into HTML: the format is markup, every %s argument is text and is
 * escaped here (the one place the site escapes); also %d (int), %u
 * (size_t) and %f/%g with flags and precision (double). */
void site_html(FILE *f, const char *fmt, ...);

/* The style sheet (site.css), and a page's head (css_rel: the sheet's
 * path from the page) and tail; site_page_end closes f (an open_memstream
 * on *buf) and writes *buf to path atomically: EXIT_OK or EXIT_IO. */
extern const char site_css[];
void site_page_begin(FILE *f, const char *css_rel, const char *title);
int site_page_end(FILE *f, char **buf, const char *path);

/* The history chart of case c of stream st: <dir>/<stem>.svg from gnuplot
 * (plots/site-history.gp). 0, or -1 with a warning and *why set. */
int site_chart(const struct nightly_report *r, const struct nightly_stream *st, const struct nightly_case *c,
	       const char *dir, const char *stem, char **why);

#endif
