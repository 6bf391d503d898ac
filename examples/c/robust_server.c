/*
 * A robust server: serves clients one after another; reads each one's request until the
 * client closes its side, then replies with the request's size.
 * - a client that sends nothing (it hangs, or its host is gone): recv() and send() wait at
 *   most 2 s (SO_RCVTIMEO, SO_SNDTIMEO), then it gives up on that client;
 * - a client that resets the connection: recv() returns -1 with errno ECONNRESET, which is
 *   not the end of the request (that is 0): it says so and does not reply;
 * - a client gone before the reply: send() with MSG_NOSIGNAL returns -1 EPIPE instead of
 *   raising SIGPIPE, whose default action would kill the whole server;
 * - every call's result is checked; a call a signal interrupted (EINTR) is made again;
 * - whatever one client did, it goes on accepting the next one.
 * It stops when no client came for 1 s (so that the lab can grade it: a real server would
 * run until it is told to stop) and exits 0; 1 only when it cannot listen at all.
 *   cc -o robust_server examples/c/robust_server.c
 *   npm run --silent socklab -- run accept.reset --backend kernel --server -- ./robust_server {host} {port}
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define IDLE_S 2 /* how long one client may keep us waiting */
#define NEXT_CLIENT_MS 1000 /* how long we wait for the next client before we stop */

/* The name of the errors a connection can end with ("ECONNRESET"), for the messages. */
static const char *errno_name(int e) {
  switch (e) {
  case ECONNRESET: return "ECONNRESET";
  case EPIPE: return "EPIPE";
  case ETIMEDOUT: return "ETIMEDOUT";
  case EHOSTUNREACH: return "EHOSTUNREACH";
  case ECONNABORTED: return "ECONNABORTED";
  default: return "error";
  }
}

/* Sends all of buf (send() may take less than asked); 0, or -1 with errno set. */
static int send_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    /* MSG_NOSIGNAL: on a dead connection send() fails with EPIPE instead of raising SIGPIPE.
       (signal(SIGPIPE, SIG_IGN) once at the start does the same for every write.) */
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Reads one request and replies. Any failure ends this client, never the server. */
static void serve(int conn) {
  /* From now on every recv() and send() on conn waits at most IDLE_S, then fails with EAGAIN. */
  struct timeval tv = {.tv_sec = IDLE_S};
  if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
      setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) {
    printf("setsockopt failed: %s\n", strerror(errno));
    return;
  }
  char buf[4096];
  long total = 0;
  for (;;) {
    ssize_t n = recv(conn, buf, sizeof buf, 0);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n == 0) break; /* the client closed its side: the request is complete */
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      printf("client idle for %d s after %ld bytes: closing the connection\n", IDLE_S, total);
    else if (errno == ECONNRESET)
      printf("client reset the connection (ECONNRESET) after %ld bytes\n", total);
    else
      printf("recv failed after %ld bytes: %s (%s)\n", total, errno_name(errno), strerror(errno));
    return;
  }
  char reply[64];
  int len = snprintf(reply, sizeof reply, "got %ld bytes\n", total);
  if (send_all(conn, reply, (size_t)len) < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      printf("client does not take the reply within %d s: closing the connection\n", IDLE_S);
    else
      printf("client sent %ld bytes, but the reply failed: %s (%s)\n", total, errno_name(errno),
             strerror(errno));
    return;
  }
  printf("client sent %ld bytes; replied\n", total);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s host port\n", argv[0]);
    return 2;
  }
  /* Line by line: the lab (or a terminal) sees each line as soon as it is printed. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) {
    perror("socket");
    return 1;
  }
  /* A restarted server may bind while its old connections are still in TIME_WAIT. */
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 16) < 0) {
    printf("error: cannot listen on %s:%s: %s\n", argv[1], argv[2], strerror(errno));
    return 1;
  }
  int served = 0;
  for (;;) {
    /* Wait at most NEXT_CLIENT_MS for the next client: poll() says when accept() has one. */
    struct pollfd p = {.fd = listener, .events = POLLIN};
    int ready = poll(&p, 1, NEXT_CLIENT_MS);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      printf("poll failed: %s\n", strerror(errno));
      break;
    }
    if (ready == 0) break;
    int conn = accept(listener, NULL, NULL);
    if (conn < 0) {
      /* ECONNABORTED: a client gave up while it waited to be accepted. Not our problem. */
      if (errno != EINTR)
        printf("accept failed: %s; waiting for the next client\n", strerror(errno));
      continue;
    }
    served++;
    serve(conn);
    close(conn); /* whatever serve() did, the descriptor is released */
  }
  printf("no new client for %d s after %d client(s): stopping\n", NEXT_CLIENT_MS / 1000, served);
  close(listener);
  return 0;
}
