/*
 * main.c - the kaohe command: global options and the subcommand table.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    kh_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"score", kh_cmd_score, "score an assessment file against a rubric"},
    {"explain", kh_cmd_explain, "show how one unit's score was reached"},
    {"rubric", kh_cmd_rubric, "check or show a rubric file"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: kaohe COMMAND [OPTIONS]\n"
            "\n"
            "kaohe runs a Party committee's annual assessment of the\n"
            "ideological-work responsibility system (意识形态工作责任制考核).\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Run 'kaohe COMMAND --help' for a command's options.\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  invalid input (every error is printed, each with its place)\n"
            "  2  usage error (bad command line)\n"
            "  3  other failure (out of memory, output cannot be written)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return KH_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return KH_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("kaohe 0.1.0\n");
        return KH_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "kaohe: unknown command '%s'\nTry 'kaohe --help'.\n",
            argv[1]);
    return KH_EXIT_USAGE;
}
