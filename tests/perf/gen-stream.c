/*
 * gen-stream: writes a synthetic gupbench-stream-1 results stream on stdout
 * for the database speed test and the shell tests: CASES cases of REPEATS
 * samples (plus 2 warm-ups each), times drawn around a per-case base value
 * times SCALE with +-NOISE% uniform noise, from SEED. Same arguments, same
 * bytes: ingest idempotence can be tested by generating twice.
 *
 *   gen-stream CASES REPEATS SEED SCALE NOISE_PCT [RELEASE]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
	long cases, repeats, seq = 0;
	double scale, noise;
	const char *release;

	if (argc < 6) {
		fprintf(stderr, "usage: gen-stream CASES REPEATS SEED SCALE NOISE_PCT [RELEASE]\n");
		return 2;
	}
	cases = atol(argv[1]);
	repeats = atol(argv[2]);
	rng = strtoull(argv[3], NULL, 10) * 2654435761ULL + 1;
	scale = atof(argv[4]);
	noise = atof(argv[5]) / 100.0;
	release = argc > 6 ? argv[6] : "6.12.0-synthetic";
	printf("{\"type\":\"env\",\"seq\":%ld,\"format\":\"gupbench-stream-1\",\"tool_version\":\"gen\","
	       "\"release\":\"%s\",\"cmdline\":\"console=ttyS0\",\"arch\":\"x86_64\",\"page_size\":4096,"
	       "\"cpus\":2,\"init\":true}\n", seq++, release);
	for (long c = 0; c < cases; c++) {
		double base = 1000.0 + 10.0 * (double)(c % 97);

		printf("{\"type\":\"start\",\"seq\":%ld,\"id\":\"c%ld\"}\n", seq++, c);
		printf("{\"type\":\"case\",\"seq\":%ld,\"id\":\"c%ld\",\"tool\":\"gupbench\","
		       "\"argv\":[\"-L\",\"-m\",\"512\",\"-n\",\"%ld\",\"-t\",\"-r\",\"%ld\",\"--warmup\",\"2\"],"
		       "\"key\":\"-L -m 512 -n %ld -t\","
		       "\"params\":{\"cmd\":\"pin_longterm\",\"size_mb\":512,\"nr_pages_per_call\":%ld,"
		       "\"repeats\":%ld,\"warmup\":2,\"thp\":\"on\",\"hugetlb_kb\":0,\"write\":true,"
		       "\"shared\":false,\"numa_node\":-1,\"threads\":1},\"status\":\"ok\",\"samples\":[",
		       seq++, c, c + 1, repeats, c + 1, c + 1, repeats);
		for (long r = 0; r < repeats + 2; r++) {
			double v = base * scale * (1.0 + noise * (2.0 * uniform() - 1.0)) * (r < 2 ? 1.5 : 1.0);

			printf("%s{\"get_us\":%.0f,\"put_us\":%.0f,\"truncated\":false,\"warmup\":%s,\"thread\":0}",
			       r ? "," : "", v, v / 10.0, r < 2 ? "true" : "false");
		}
		printf("]}\n");
	}
	printf("{\"type\":\"end\",\"seq\":%ld,\"cases\":%ld,\"ok\":%ld,\"skip\":0,\"error\":0}\n", seq, cases, cases);
	return 0;
}
