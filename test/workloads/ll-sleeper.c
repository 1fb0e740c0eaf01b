/* Ground-truth workload: COUNT sleeps of MS milliseconds each (clock_nanosleep),
 * with a few microseconds of work between them. Prints its pid first. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 100;
	long ms = argc > 2 ? atol(argv[2]) : 5;
	struct timespec d = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	volatile unsigned long x = 0;
	printf("%d\n", getpid());
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		for (int j = 0; j < 2000; j++)
			x += j;
	}
	return 0;
}
