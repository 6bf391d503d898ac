/*
 * A robust client: connect, wait for the server's greeting, print it.
 * - connect() refused: 3 attempts in all, a new socket each time, waiting longer each time;
 * - a silent server host: recv() waits at most 2 s (SO_RCVTIMEO), then it says "no answer";
 * - a reset or closed connection: it says so, with the errno's name.
 * Exit status 0 when it got a greeting, 1 otherwise.
 *   cc -o robust_client examples/c/robust_client.c
 *   npm run --silent socklab -- run peer.host-down --backend kernel --client -- ./robust_client {host} {port}
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ATTEMPTS 3

static int connect_with_retries(const struct sockaddr_in *addr) {
  for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      perror("socket");
      return -1;
    }
    /* A connect() that gets no answer gives up after 2 s too (Linux honours SO_SNDTIMEO). */
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0) return fd;
    int e = errno;
    close(fd); /* a socket whose connect() failed is not used again: each attempt gets a new one */
    if (e == ECONNREFUSED)
      printf("connection refused (attempt %d of %d)\n", attempt, ATTEMPTS);
    else if (e == EINPROGRESS || e == ETIMEDOUT || e == EAGAIN)
      printf("no answer to connect (attempt %d of %d)\n", attempt, ATTEMPTS);
    else {
      printf("connect failed: %s\n", strerror(e));
      return -1;
    }
    fflush(stdout);
    if (attempt < ATTEMPTS) usleep(200000 * attempt); /* back off: longer before each new attempt */
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s host port\n", argv[0]);
    return 2;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  int fd = connect_with_retries(&addr);
  if (fd < 0) {
    printf("error: the server refused or did not answer %d connection attempts\n", ATTEMPTS);
    return 1;
  }
  char buf[1024];
  ssize_t n;
  /* EINTR: a signal interrupted the wait, which is not a failure: wait again. */
  do n = recv(fd, buf, sizeof buf, 0);
  while (n < 0 && errno == EINTR);
  int e = errno;
  close(fd);
  if (n > 0) {
    printf("server said: %.*s\n", (int)n, buf);
    return 0;
  }
  if (n == 0)
    printf("error: the server closed the connection without a greeting\n");
  else if (e == EAGAIN) /* SO_RCVTIMEO ran out */
    printf("error: no answer from the server within 2 s (is its host down?)\n");
  else if (e == ECONNRESET)
    printf("error: the server reset the connection (ECONNRESET): it crashed or aborted\n");
  else
    printf("error: recv failed: %s\n", strerror(e));
  return 1;
}
