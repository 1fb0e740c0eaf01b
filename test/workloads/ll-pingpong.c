/* Ground-truth workload: two processes pass one byte back and forth over two
 * pipes ROUNDS times. The parent is "ll-ping", the child renames itself "ll-pong".
 * Prints "ping-pid pong-pid". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1000;
	int ab[2], ba[2];
	char c = 'x';
	if (pipe(ab) || pipe(ba))
		return 1;
	prctl(PR_SET_NAME, "ll-ping");
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		prctl(PR_SET_NAME, "ll-pong");
		for (int i = 0; i < rounds; i++) {
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				return 1;
		}
		return 0;
	}
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	for (int i = 0; i < rounds; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	}
	int status;
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
