/* Ground-truth workload: two processes pass a token back and forth ROUNDS times
 * through a System V semaphore set of two (semop): the parent sleeps 200 us, posts
 * sem 1 and waits on sem 0; the child ("ll-sem-b") waits on sem 1 and posts sem 0.
 * The parent's pause lets the child reach its wait first, so that it sleeps in semop
 * each round, however the two are placed on the CPUs. Prints "parent-pid child-pid". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

static void op(int id, unsigned short num, short delta)
{
	struct sembuf b = { .sem_num = num, .sem_op = delta, .sem_flg = 0 };
	if (semop(id, &b, 1) != 0)
		exit(1);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 500;
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (id < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "ll-sem-b");
		for (int i = 0; i < rounds; i++) {
			op(id, 1, -1);
			op(id, 0, 1);
		}
		return 0;
	}
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	for (int i = 0; i < rounds; i++) {
		usleep(200);
		op(id, 1, 1);
		op(id, 0, -1);
	}
	waitpid(child, NULL, 0);
	semctl(id, 0, IPC_RMID);
	return 0;
}
