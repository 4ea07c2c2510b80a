/*
 * test_sha256: known-answer tests for the project's SHA-256 (lib/util.c),
 * which names every cached kernel and identifies every stored stream. The
 * vectors are FIPS 180-2's (appendix B: "abc", the 448-bit and the
 * one-million-'a' messages), the empty string, the 896-bit message of the
 * NIST examples, and lengths on each side of the 55/56/64-byte padding
 * boundaries; the file variant is checked on the million 'a's, which it
 * reads in several chunks.
 */
#include "tap.h"
#include "lib/util.h"

#include <stdlib.h>
#include <unistd.h>

static const struct kat {
	const char *msg;
	const char *want;
} kats[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

/* n times 'a': the padding boundaries (55 fits the length in one block, 56 does not). */
static const struct { size_t n; const char *want; } runs[] = {
	{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	char got[65], path[] = "/tmp/test_sha256.XXXXXX";
	char *as = malloc(1000000);
	int fd;

	tap_plan((int)(N(kats) + N(runs) + 2));
	for (size_t i = 0; i < N(kats); i++) {
		sha256_hex(kats[i].msg, strlen(kats[i].msg), got);
		is_str(got, kats[i].want, "sha256 of the %zu-byte FIPS 180 message '%.12s'", strlen(kats[i].msg),
		       kats[i].msg);
	}
	memset(as, 'a', 1000000);
	for (size_t i = 0; i < N(runs); i++) {
		sha256_hex(as, runs[i].n, got);
		is_str(got, runs[i].want, "sha256 of %zu times 'a'", runs[i].n);
	}
	fd = mkstemp(path);
	ok(fd >= 0 && write(fd, as, 1000000) == 1000000 && close(fd) == 0, "a file of one million 'a's written");
	memset(got, 0, sizeof(got));
	if (sha256_file_hex(path, got))
		strcpy(got, "(failed)");
	is_str(got, runs[N(runs) - 1].want, "sha256 of the file, read in chunks, matches FIPS 180's answer");
	unlink(path);
	free(as);
	return tap_done();
}
