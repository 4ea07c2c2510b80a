/*
 * gen-boots: one synthetic boot's gupbench-stream-1 results stream on
 * stdout, with two-level noise as real boots have it (DESIGN: boot medians
 * of one kernel differ far more than repeats inside a boot suggest). Case c
 * has a true time of 1000 * (1 + c % 7) us; this boot multiplies it by
 * exp(BOOT_SD * z_c) (one draw per case per boot) and each repeat by
 * exp(WITHIN_SD * z), lognormal both. Cases [0, N1) are slower by E1 %,
 * cases [N1, N1 + N2) by E2 %: the known effects of the simulation
 * benchmark (tests/perf/stats-sim.sh). With TAIL_PCT, one boot in ten (by
 * the seed) is shifted by TAIL_PCT % on every case: a load burst, the heavy
 * tail of wall-clock boots. Two slow warm-ups per case. Each case's argv is
 * the one its key names (-L -m 128 -n N -t), as ingest checks.
 *
 *   gen-boots CASES REPEATS SEED BOOT_SD_PCT WITHIN_SD_PCT E1 N1 E2 N2 [TAIL_PCT]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform());
}

int main(int argc, char **argv)
{
	long cases, repeats, n1, n2, seq = 0;
	double bsd, wsd, e1, e2, shift = 1.0;

	if (argc != 10 && argc != 11) {
		fprintf(stderr, "usage: gen-boots CASES REPEATS SEED BOOT_SD_PCT WITHIN_SD_PCT E1 N1 E2 N2 [TAIL_PCT]\n");
		return 2;
	}
	cases = atol(argv[1]);
	repeats = atol(argv[2]);
	rng = strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	bsd = atof(argv[4]) / 100.0;
	wsd = atof(argv[5]) / 100.0;
	e1 = atof(argv[6]) / 100.0;
	n1 = atol(argv[7]);
	e2 = atof(argv[8]) / 100.0;
	n2 = atol(argv[9]);
	for (int i = 0; i < 8; i++)
		uniform();
	if (argc == 11 && uniform() < 0.1)
		shift = 1.0 + atof(argv[10]) / 100.0;
	printf("{\"type\":\"env\",\"seq\":%ld,\"format\":\"gupbench-stream-1\",\"tool_version\":\"gen-boots\","
	       "\"release\":\"6.12.0-sim\",\"cmdline\":\"console=ttyS0\",\"arch\":\"x86_64\",\"page_size\":4096,"
	       "\"cpus\":1,\"init\":true}\n", seq++);
	for (long c = 0; c < cases; c++) {
		double level = 1000.0 * (double)(1 + c % 7) * exp(bsd * gauss()) * shift;

		if (c < n1)
			level *= 1.0 + e1;
		else if (c < n1 + n2)
			level *= 1.0 + e2;
		printf("{\"type\":\"start\",\"seq\":%ld,\"id\":\"c%ld\"}\n", seq++, c);
		printf("{\"type\":\"case\",\"seq\":%ld,\"id\":\"c%ld\",\"tool\":\"gupbench\","
		       "\"argv\":[\"-L\",\"-m\",\"128\",\"-n\",\"%ld\",\"-t\",\"-r\",\"%ld\",\"--warmup\",\"2\"],"
		       "\"key\":\"-L -m 128 -n %ld -t\",\"params\":{\"cmd\":\"pin_longterm\",\"size_mb\":128,"
		       "\"nr_pages_per_call\":%ld,\"repeats\":%ld,\"warmup\":2,\"thp\":\"on\",\"hugetlb_kb\":0},"
		       "\"status\":\"ok\",\"samples\":[", seq++, c, c + 1, repeats, c + 1, c + 1, repeats);
		for (long r = 0; r < repeats + 2; r++) {
			double v = level * exp(wsd * gauss()) * (r < 2 ? 1.5 : 1.0);

			printf("%s{\"get_us\":%.0f,\"put_us\":%.0f,\"truncated\":false,\"warmup\":%s,\"thread\":0}",
			       r ? "," : "", v, v / 10.0, r < 2 ? "true" : "false");
		}
		printf("]}\n");
	}
	printf("{\"type\":\"end\",\"seq\":%ld,\"cases\":%ld,\"ok\":%ld,\"skip\":0,\"error\":0}\n", seq, cases, cases);
	return 0;
}
