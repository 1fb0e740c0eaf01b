/* Ground-truth workload: thread "ll-arm" arms a one-shot timerfd (MS ms) COUNT
 * times; thread "ll-tfdread" sleeps in read() on it. Every wakeup of the reader
 * by the timer is caused by the arming thread, never by itself. After each
 * expiry the reader posts a semaphore the armer waits on.
 * Prints "pid arm-tid reader-tid". */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int tfd, count;
static long ms;
static sem_t done, ready;
static pid_t reader_tid;

static void *reader(void *arg)
{
	(void)arg;
	uint64_t n;
	prctl(PR_SET_NAME, "ll-tfdread");
	reader_tid = gettid();
	sem_post(&ready);
	for (int i = 0; i < count; i++) {
		if (read(tfd, &n, sizeof(n)) != sizeof(n))
			exit(1);
		sem_post(&done);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	count = argc > 1 ? atoi(argv[1]) : 100;
	ms = argc > 2 ? atol(argv[2]) : 2;
	struct itimerspec t = { .it_value = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L } };
	pthread_t th;
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (tfd < 0)
		return 1;
	sem_init(&done, 0, 0);
	sem_init(&ready, 0, 0);
	prctl(PR_SET_NAME, "ll-arm");
	pthread_create(&th, NULL, reader, NULL);
	sem_wait(&ready);
	printf("%d %d %d\n", getpid(), gettid(), reader_tid);
	fflush(stdout);
	usleep(10000); /* let the reader block in read() */
	for (int i = 0; i < count; i++) {
		if (timerfd_settime(tfd, 0, &t, NULL))
			return 1;
		sem_wait(&done);
	}
	pthread_join(th, NULL);
	return 0;
}
