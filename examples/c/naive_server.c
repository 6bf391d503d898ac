/*
 * A naive server: accept one client, read its request until the client closes its side,
 * reply with the request's size, print it.
 * It checks nothing: recv() returning -1 (an error) ends the loop just like 0 (the end of the
 * request), so after a reset it replies to a dead connection, and send() there raises
 * SIGPIPE, whose default action kills the process. No timeout either: a client that never
 * sends keeps it waiting forever.
 *   cc -o naive_server examples/c/naive_server.c
 *   npm run --silent socklab -- run accept.reset --backend kernel --server -- ./naive_server {host} {port}
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  inet_pton(AF_INET, argv[1], &addr.sin_addr);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  bind(listener, (struct sockaddr *)&addr, sizeof addr);
  listen(listener, 16);
  int conn = accept(listener, NULL, NULL);
  char buf[4096];
  long total = 0;
  ssize_t n;
  while ((n = recv(conn, buf, sizeof buf, 0)) > 0) total += n;
  char reply[64];
  snprintf(reply, sizeof reply, "got %ld bytes\n", total);
  send(conn, reply, strlen(reply), 0);
  printf("client sent %ld bytes\n", total);
  close(conn);
  close(listener);
  return 0;
}
