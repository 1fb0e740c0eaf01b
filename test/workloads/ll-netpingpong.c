/* Ground-truth workload: two processes pass one byte back and forth over
 * loopback, ROUNDS times, on TCP or UDP. The parent is "ll-netcli", the child
 * (the server) renames itself "ll-netsrv". Each side sleeps in recv() while
 * the other one sends: every wakeup of one side is caused by the other.
 * Usage: ll-netpingpong tcp|udp ROUNDS. Prints "client-pid server-pid". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int must(int v, const char *what)
{
	if (v < 0) {
		perror(what);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	int tcp = argc < 2 || strcmp(argv[1], "udp") != 0;
	int rounds = argc > 2 ? atoi(argv[2]) : 1000;
	int type = tcp ? SOCK_STREAM : SOCK_DGRAM;
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(srv);
	int one = 1;
	char c = 'x';

	int ls = must(socket(AF_INET, type, 0), "socket");
	must(bind(ls, (struct sockaddr *)&srv, sizeof(srv)), "bind");
	must(getsockname(ls, (struct sockaddr *)&srv, &len), "getsockname");
	if (tcp)
		must(listen(ls, 1), "listen");
	prctl(PR_SET_NAME, "ll-netcli");
	pid_t child = must(fork(), "fork");
	if (child == 0) {
		prctl(PR_SET_NAME, "ll-netsrv");
		int s = ls;
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		if (tcp) {
			s = must(accept(ls, NULL, NULL), "accept");
			setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		}
		for (int i = 0; i < rounds; i++) {
			if (recvfrom(s, &c, 1, 0, (struct sockaddr *)&peer, &plen) != 1)
				return 1;
			if (sendto(s, &c, 1, 0, tcp ? NULL : (struct sockaddr *)&peer, tcp ? 0 : plen) != 1)
				return 1;
		}
		return 0;
	}
	int s = must(socket(AF_INET, type, 0), "socket");
	must(connect(s, (struct sockaddr *)&srv, sizeof(srv)), "connect");
	if (tcp)
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	for (int i = 0; i < rounds; i++) {
		if (send(s, &c, 1, 0) != 1 || recv(s, &c, 1, 0) != 1)
			return 1;
	}
	int status;
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
