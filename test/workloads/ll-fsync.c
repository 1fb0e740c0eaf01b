/* Ground-truth workload: COUNT times, write 64 KiB to FILE and fsync it; the
 * thread waits for the disk in D state. Prints its pid first. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int count = argc > 2 ? atoi(argv[2]) : 50;
	static char buf[65536];
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	printf("%d\n", getpid());
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		if (pwrite(fd, buf, sizeof(buf), (off_t)(i % 16) * sizeof(buf)) != sizeof(buf) || fsync(fd))
			return 1;
	}
	close(fd);
	unlink(argv[1]);
	return 0;
}
