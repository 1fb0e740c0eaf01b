/* Ground-truth workload: THREADS threads of one process pass a token around a
 * ring ROUNDS times with POSIX semaphores; thread i waits on sem[i] and posts
 * sem[(i+1) % n], after SPIN_US microseconds of work (default 0) each time it holds
 * the token. Threads are named "ring-0", "ring-1", ... Prints the tids. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAXT 8
static sem_t sem[MAXT];
static int nthreads = 3, rounds = 500;
static long spin_us = 0;
static pid_t tids[MAXT];
static pthread_barrier_t ready;

static void *worker(void *arg)
{
	int i = (int)(long)arg;
	char name[16];
	snprintf(name, sizeof(name), "ring-%d", i);
	pthread_setname_np(pthread_self(), name);
	tids[i] = syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	for (int r = 0; r < rounds; r++) {
		sem_wait(&sem[i]);
		if (spin_us > 0) {
			struct timespec t0, t;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			do
				clock_gettime(CLOCK_MONOTONIC, &t);
			while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < spin_us);
		}
		sem_post(&sem[(i + 1) % nthreads]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1) nthreads = atoi(argv[1]);
	if (argc > 2) rounds = atoi(argv[2]);
	if (argc > 3) spin_us = atol(argv[3]);
	if (nthreads < 2 || nthreads > MAXT) return 2;
	pthread_t th[MAXT];
	pthread_barrier_init(&ready, NULL, nthreads + 1);
	for (int i = 0; i < nthreads; i++) sem_init(&sem[i], 0, 0);
	for (int i = 0; i < nthreads; i++) pthread_create(&th[i], NULL, worker, (void *)(long)i);
	pthread_barrier_wait(&ready);
	for (int i = 0; i < nthreads; i++) printf("%d%c", tids[i], i + 1 < nthreads ? ' ' : '\n');
	fflush(stdout);
	sem_post(&sem[0]);
	for (int i = 0; i < nthreads; i++) pthread_join(th[i], NULL);
	return 0;
}
