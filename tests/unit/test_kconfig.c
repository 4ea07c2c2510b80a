/*
 * test_kconfig: fragment parsing, merging over a base .config, and the
 * verification that catches options Kconfig dropped (the ADVISE_SYSCALLS
 * trap of tinyconfig), including "is not set" requests and numeric values.
 */
#include "kconfig.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
	struct kconfig_set want = { 0 }, bad = { 0 };
	char *merged, *dropped;
	const char *frag =
		"# comment\n"
		"CONFIG_GUP_TEST=y\n"
		"\n"
		"CONFIG_ADVISE_SYSCALLS=y\n"
		"# CONFIG_MODULES is not set\n"
		"CONFIG_NR_CPUS=8\n"
		"CONFIG_CMDLINE=\"console=ttyS0\"\n";
	const char *base =
		"CONFIG_64BIT=y\n"
		"# CONFIG_ADVISE_SYSCALLS is not set\n"
		"CONFIG_MODULES=y\n"
		"CONFIG_NR_CPUS=64\n";

	tap_plan(22);
	is_int(kconfig_parse(&want, frag, "frag"), 0, "a fragment with comments, numbers and strings parses");
	is_int((long long)want.n, 5, "five options requested");
	ok(kconfig_find(&want, "CONFIG_MODULES") && !kconfig_find(&want, "CONFIG_MODULES")->value,
	   "'# CONFIG_MODULES is not set' is a request for n");
	is_str(kconfig_find(&want, "CONFIG_NR_CPUS")->value, "8", "numeric value kept");
	is_str(kconfig_find(&want, "CONFIG_GUP_TEST")->origin, "frag:2", "origin names file and line");
	is_int(kconfig_parse(&want, "CONFIG_NR_CPUS=4\n", "later"), 0, "a later fragment parses");
	is_str(kconfig_find(&want, "CONFIG_NR_CPUS")->value, "4", "a later request replaces an earlier one");
	ok(kconfig_parse(&bad, "GUP_TEST=y\n", "bad") < 0, "a line without CONFIG_ is rejected");
	ok(kconfig_parse(&bad, "CONFIG_X\n", "bad") < 0, "a line without a value is rejected");

	merged = kconfig_merge(base, &want);
	ok(strstr(merged, "CONFIG_64BIT=y\n") != NULL, "merge keeps untouched base lines");
	ok(strstr(merged, "# CONFIG_ADVISE_SYSCALLS is not set") == NULL, "merge drops the base's line for a requested symbol");
	ok(strstr(merged, "CONFIG_ADVISE_SYSCALLS=y\n") != NULL, "merge appends the request");
	ok(strstr(merged, "CONFIG_MODULES=y") == NULL && strstr(merged, "# CONFIG_MODULES is not set\n"),
	   "merge turns a =y into 'is not set' when asked");
	is_int(kconfig_verify(merged, &want, &dropped), 0, "the merged text satisfies every request");
	is_str(dropped, "", "nothing reported dropped");
	free(dropped);
	free(merged);

	/* what olddefconfig does with tinyconfig when a dependency is missing */
	const char *final =
		"CONFIG_GUP_TEST=y\n"
		"# CONFIG_ADVISE_SYSCALLS is not set\n"
		"CONFIG_MODULES=y\n"
		"CONFIG_NR_CPUS=64\n"
		"CONFIG_CMDLINE=\"console=ttyS0\"\n";
	is_int(kconfig_verify(final, &want, &dropped), 3, "three dropped options found");
	ok(strstr(dropped, "CONFIG_ADVISE_SYSCALLS=y (now is not set; asked by frag:4)") != NULL,
	   "a dropped =y option is named with its origin");
	ok(strstr(dropped, "CONFIG_MODULES is not set (now y;") != NULL, "a violated 'is not set' is named");
	ok(strstr(dropped, "CONFIG_NR_CPUS=4 (now 64;") != NULL, "a changed numeric value is named");
	free(dropped);

	/* an invisible symbol is absent from .config: that satisfies "is not set" only */
	is_int(kconfig_verify("CONFIG_GUP_TEST=y\n", &want, &dropped), 3, "absent options count as not set");
	ok(strstr(dropped, "CONFIG_MODULES") == NULL, "absent satisfies 'is not set'");
	ok(strstr(dropped, "CONFIG_ADVISE_SYSCALLS=y (now absent;") != NULL, "absent fails '=y'");
	free(dropped);

	kconfig_set_free(&want);
	kconfig_set_free(&bad);
	return tap_done();
}
