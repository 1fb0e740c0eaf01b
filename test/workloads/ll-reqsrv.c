/* Ground-truth workload for the critical path: a client ("ll-reqcli") sends
 * ROUNDS requests to a server ("ll-reqsrv", a child process) over a pipe and
 * waits for each reply on another pipe. The server computes COMPUTE_US
 * microseconds of its own CPU time (CLOCK_THREAD_CPUTIME_ID) per request and
 * replies with the CPU time it used between reading the request and replying.
 * The server is pinned to SRV_CPU, the client to the other CPU of a two-CPU
 * machine (CPU 0 when SRV_CPU is not 0).
 * The client writes one line per request to OUT: "t0 t1 cpu", t0 just before
 * it sends, t1 just after the reply arrived (CLOCK_MONOTONIC ns, the capture's
 * clock), cpu the server's CPU time for it (ns).
 * Usage: ll-reqsrv ROUNDS COMPUTE_US SRV_CPU OUT. Prints "client-pid server-pid". */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	int rounds = atoi(argv[1]);
	int64_t compute = (int64_t)atoi(argv[2]) * 1000;
	int srv_cpu = atoi(argv[3]);
	int req[2], rep[2];
	if (pipe(req) || pipe(rep))
		return 1;
	prctl(PR_SET_NAME, "ll-reqcli");
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		prctl(PR_SET_NAME, "ll-reqsrv");
		pin(srv_cpu);
		char c;
		volatile uint64_t x = 0;
		for (int i = 0; i < rounds; i++) {
			if (read(req[0], &c, 1) != 1)
				return 1;
			int64_t c0 = now(CLOCK_THREAD_CPUTIME_ID);
			while (now(CLOCK_THREAD_CPUTIME_ID) - c0 < compute)
				for (int k = 0; k < 200; k++)
					x += k;
			int64_t used = now(CLOCK_THREAD_CPUTIME_ID) - c0;
			if (write(rep[1], &used, sizeof(used)) != sizeof(used))
				return 1;
		}
		return 0;
	}
	pin(srv_cpu == 0 ? 1 : 0);
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	FILE *out = fopen(argv[4], "w");
	if (out == NULL)
		return 1;
	char c = 'r';
	for (int i = 0; i < rounds; i++) {
		int64_t used;
		usleep(3000); /* think time: the server is asleep in read when the request comes */
		int64_t t0 = now(CLOCK_MONOTONIC);
		if (write(req[1], &c, 1) != 1 || read(rep[0], &used, sizeof(used)) != sizeof(used))
			return 1;
		int64_t t1 = now(CLOCK_MONOTONIC);
		fprintf(out, "%lld %lld %lld\n", (long long)t0, (long long)t1, (long long)used);
	}
	fclose(out);
	waitpid(child, NULL, 0);
	return 0;
}
