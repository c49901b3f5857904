/* main.c — the `wippy` binary: everything happens in wippy_cli(). */
#include <stdio.h>

#include "host/cli/cli.h"

int main(int argc, char **argv)
{
    return wippy_cli(argc, argv, stdout, stderr);
}
