// The baseline for the lifecycle benchmark: iproute2's own sequence, in a plain C loop.
//   netns_c_loop add PREFIX COUNT   create PREFIX0..PREFIX{COUNT-1} under /run/netns
//   netns_c_loop del PREFIX COUNT   umount2(MNT_DETACH) + unlink each
// Create, per name: open(O_CREAT|O_EXCL) + close, unshare(CLONE_NEWNET),
// mount /proc/thread-self/ns/net onto the file (MS_BIND), setns back to the original namespace.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN "/run/netns"

static void shared_run_dir(void) {
    mkdir(RUN, 0755);
    int bound = 0;
    while (mount("", RUN, "none", MS_SHARED | MS_REC, NULL) != 0) {
        if (errno != EINVAL || bound) { perror("mount --make-rshared " RUN); exit(1); }
        if (mount(RUN, RUN, "none", MS_BIND | MS_REC, NULL) != 0) { perror("mount --bind " RUN); exit(1); }
        bound = 1;
    }
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s add|del PREFIX COUNT\n", argv[0]); return 2; }
    int add = strcmp(argv[1], "add") == 0;
    int count = atoi(argv[3]);
    char path[512];
    if (add) {
        shared_run_dir();
        int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0) { perror("open home netns"); return 1; }
        for (int i = 0; i < count; i++) {
            snprintf(path, sizeof path, RUN "/%s%d", argv[2], i);
            int fd = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
            if (fd < 0) { perror(path); return 1; }
            close(fd);
            if (unshare(CLONE_NEWNET) != 0) { perror("unshare"); unlink(path); return 1; }
            if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) != 0) { perror("mount"); unlink(path); return 1; }
            if (setns(home, CLONE_NEWNET) != 0) { perror("setns"); return 1; }
        }
        close(home);
    } else {
        for (int i = 0; i < count; i++) {
            snprintf(path, sizeof path, RUN "/%s%d", argv[2], i);
            umount2(path, MNT_DETACH);
            if (unlink(path) != 0) { perror(path); return 1; }
        }
    }
    return 0;
}
