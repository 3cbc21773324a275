/* CPU load with named stacks for the recorded profile trace (data/traces/profile.txt).
 *
 * Built with frame pointers and without inlining, so that bpftrace's ustack walks every
 * frame and names it: main -> run -> hash_block -> mix, sort_block -> qsort -> compare,
 * write_block -> write (into the kernel). Runs for SECONDS (default 10), then exits.
 *
 *   cc -O1 -fno-omit-frame-pointer -fno-inline -o cpu_load cpu_load.c && ./cpu_load 10
 */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

unsigned long mix(unsigned long x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdUL;
	x ^= x >> 33;
	return x;
}

unsigned long hash_block(const unsigned char *data, size_t size)
{
	unsigned long h = 1469598103934665603UL;
	for (size_t i = 0; i < size; i++)
		h = mix(h ^ data[i]);
	return h;
}

static int compare(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

void sort_block(unsigned long *values, size_t count)
{
	for (size_t i = 0; i < count; i++)
		values[i] = mix(i + sink);
	qsort(values, count, sizeof *values, compare);
}

void write_block(int fd, const unsigned char *data, size_t size)
{
	for (int i = 0; i < 256; i++)
		if (write(fd, data, size) < 0)
			return;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void run(double seconds)
{
	static unsigned char data[65536];
	static unsigned long values[20000];
	int fd = open("/dev/null", O_WRONLY);
	double end = now() + seconds;
	while (now() < end) {
		sink += hash_block(data, sizeof data);      /* about 60% of the time */
		sort_block(values, 20000);                  /* about 30% */
		write_block(fd, data, 4096);                /* the rest, mostly in the kernel */
	}
	close(fd);
}

int main(int argc, char **argv)
{
	run(argc > 1 ? atof(argv[1]) : 10.0);
	return 0;
}
