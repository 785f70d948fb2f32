/* The legend of step statuses (see legend.h). */
#include "config.h"

#include "legend.h"

static const struct {
	const char *symbol, *word, *meaning;
} marks[] = {
#define X(e, symbol, word, meaning) { symbol, word, meaning },
	LEGEND_LIST(X)
#undef X
};

const char *
legend_symbol(enum legend_mark m)
{
	return marks[m].symbol;
}

const char *
legend_word(enum legend_mark m)
{
	return marks[m].word;
}

const char *
legend_meaning(enum legend_mark m)
{
	return marks[m].meaning;
}
