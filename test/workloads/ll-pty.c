/* Ground-truth workload: two processes pass one byte back and forth over a
 * pseudo-terminal ROUNDS times, the parent ("ll-ptym") on the master side, the
 * child ("ll-ptys") on the slave side, in raw mode. A write to either side of a
 * pty queues the flip-buffer work of the other side (flush_to_ldisc), and a
 * kworker running that item wakes the reader: every wakeup of the two is run by
 * a kworker and caused by the other process. Prints "master-pid slave-pid". */
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE /* cfmakeraw */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 500;
	char c = 'x';
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return 1;
	const char *name = ptsname(master);
	if (!name)
		return 1;
	int slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return 1;
	struct termios t;
	if (tcgetattr(slave, &t))
		return 1;
	cfmakeraw(&t);
	if (tcsetattr(slave, TCSANOW, &t))
		return 1;
	prctl(PR_SET_NAME, "ll-ptym");
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		prctl(PR_SET_NAME, "ll-ptys");
		close(master);
		for (int i = 0; i < rounds; i++) {
			if (read(slave, &c, 1) != 1 || write(slave, &c, 1) != 1)
				return 1;
		}
		return 0;
	}
	close(slave);
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	for (int i = 0; i < rounds; i++) {
		if (write(master, &c, 1) != 1 || read(master, &c, 1) != 1)
			return 1;
	}
	int status;
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
