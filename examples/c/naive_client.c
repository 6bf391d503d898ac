/*
 * A naive client: connect, wait for the server's greeting, print it.
 * It checks nothing: not connect(), not recv(), and it waits as long as it takes.
 *   cc -o naive_client examples/c/naive_client.c
 *   npm run --silent socklab -- run peer.crash-rst --backend kernel --client -- ./naive_client {host} {port}
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  inet_pton(AF_INET, argv[1], &addr.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (struct sockaddr *)&addr, sizeof addr);
  char buf[1024];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  printf("server said %zd bytes\n", n);
  close(fd);
  return 0;
}
