/*
 * Document dates. A date is packed as YYYYMMDD in a uint32 so that dates
 * compare and range-filter as plain integers; a partial date ("2023" or
 * "2023-05") keeps 00 for the parts nobody knows, which sorts it before
 * every full date of the same year or month. 0 means "no date".
 *
 * Accepted: "YYYY", "YYYY-MM", "YYYY-MM-DD", and a date followed by a time
 * ("YYYY-MM-DDTHH:MM..." or "YYYY-MM-DD HH:MM...", as press dumps and
 * database exports write timestamps), of which only the date is kept: the
 * time and any zone offset are ignored, not checked beyond the "HH:MM"
 * shape. Years 0001..9999, proleptic Gregorian calendar.
 */
#include "reader.h"

#include <stdbool.h>

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static unsigned digits_value(const char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

static bool is_leap(unsigned y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* A time after the date: [T ]HH:MM and anything after that. */
static bool is_time_suffix(const char *s, size_t n)
{
    return n >= 6 && (s[0] == 'T' || s[0] == ' ') && all_digits(s + 1, 2) && s[3] == ':' &&
           all_digits(s + 4, 2);
}

/* Whether s has the layout of a date (digits and dashes where they belong),
 * whatever the values: tells "impossible" from "malformed" apart. */
static bool has_date_shape(const char *s, size_t len)
{
    if (len < 4 || !all_digits(s, 4))
        return false;
    if (len == 4)
        return true;
    if (len < 7 || s[4] != '-' || !all_digits(s + 5, 2))
        return false;
    if (len == 7)
        return true;
    if (len < 10 || s[7] != '-' || !all_digits(s + 8, 2))
        return false;
    return len == 10 || is_time_suffix(s + 10, len - 10);
}

uint32_t nq_parse_date_ex(const char *s, size_t len, int *shaped)
{
    bool shape = s && has_date_shape(s, len);
    if (shaped)
        *shaped = shape;
    if (!shape)
        return 0;
    unsigned y = digits_value(s, 4);
    unsigned m = len >= 7 ? digits_value(s + 5, 2) : 0;
    unsigned d = len >= 10 ? digits_value(s + 8, 2) : 0;
    if (y == 0)
        return 0;
    if (len >= 7 && (m < 1 || m > 12))
        return 0;
    if (len >= 10 && (d < 1 || d > days_in_month(y, m)))
        return 0;
    return (uint32_t)(y * 10000u + m * 100u + d);
}

uint32_t nq_parse_date(const char *s, size_t len)
{
    return nq_parse_date_ex(s, len, NULL);
}

static char *put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void nq_format_date(uint32_t date, char *buf)
{
    unsigned y = date / 10000, m = date / 100 % 100, d = date % 100;
    char *p = buf;
    if (date != 0) {
        p = put_digits(p, y, 4);
        if (m != 0) {
            *p++ = '-';
            p = put_digits(p, m, 2);
            if (d != 0) {
                *p++ = '-';
                p = put_digits(p, d, 2);
            }
        }
    }
    *p = '\0';
}
