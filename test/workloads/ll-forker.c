/* Fork-heavy workload: for SECONDS seconds, RATE times a second, fork a child
 * named "llf-N" (N counting up: every child has a name of its own) that starts
 * two threads which exit at once, then exits. Prints its pid first. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int rate = argc > 2 ? atoi(argv[2]) : 100;
	struct timespec gap = { .tv_sec = 0, .tv_nsec = 1000000000L / (rate > 0 ? rate : 1) };
	printf("%d\n", getpid());
	fflush(stdout);
	long total = (long)seconds * rate;
	for (long n = 0; n < total; n++) {
		pid_t child = fork();
		if (child == 0) {
			char name[16];
			snprintf(name, sizeof name, "llf-%ld", n);
			prctl(PR_SET_NAME, name);
			pthread_t t[2];
			for (int i = 0; i < 2; i++)
				pthread_create(&t[i], NULL, nothing, NULL);
			for (int i = 0; i < 2; i++)
				pthread_join(t[i], NULL);
			_exit(0);
		}
		if (child > 0)
			waitpid(child, NULL, 0);
		nanosleep(&gap, NULL);
	}
	return 0;
}
