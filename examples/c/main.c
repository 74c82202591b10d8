/* Answers compliance questions about the Almaty Process Operating
 * Modalities with the native code `charter build` writes, no Charter
 * runtime needed:
 *
 *   charter build policies/almaty -o policy.o --header charter_policy.h --manifest policy.json
 *   cc -O2 -I. examples/c/main.c policy.o -o almaty
 *   ./almaty
 */
#include <stdio.h>
#include <string.h>

#include "charter_policy.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int32_t day_number(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

static const char *party_name(int32_t party) {
    static const char *names[] = {
#define NAME(id) [CHARTER_PARTY_##id] = #id
        NAME(KAZ), NAME(KGZ), NAME(TJK), NAME(AFG), NAME(AZE),
        NAME(IRN), NAME(PAK), NAME(TUR), NAME(TKM), NAME(UZB),
#undef NAME
    };
    if (party == CHARTER_NONE) return "none";
    if (party < 0 || party >= (int32_t)(sizeof names / sizeof names[0]) || !names[party]) return "?";
    return names[party];
}


int main(void) {
    const struct { int y, m, d; } dates[] = {
        {2013, 8, 30}, {2013, 9, 1}, {2015, 8, 31}, {2017, 8, 31},
        {2019, 8, 31}, {2021, 8, 31}, {2023, 8, 31}, {2029, 8, 31},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int32_t day = day_number(dates[i].y, (unsigned)dates[i].m, (unsigned)dates[i].d);
        printf("chair %04d-%02d-%02d %s\n", dates[i].y, dates[i].m, dates[i].d, party_name(charter_chair(day)));
    }

    struct charter_decision decision;
    memset(&decision, 0, sizeof decision);
    decision.kind = CHARTER_DECISION_ORDINARY;
    decision.meeting_kind = CHARTER_MEETING_SENIOR_OFFICIALS;
    decision.date = day_number(2016, 9, 19);
    const int present[] = {CHARTER_PARTY_KAZ, CHARTER_PARTY_KGZ, CHARTER_PARTY_TJK,
                           CHARTER_PARTY_AFG, CHARTER_PARTY_AZE, CHARTER_PARTY_TUR};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) CHARTER_SET_ADD(decision.present, present[i]);
    printf("valid ordinary, no objection: %d\n", charter_valid(&decision));
    CHARTER_SET_ADD(decision.objections, CHARTER_PARTY_KGZ);
    printf("valid ordinary, KGZ objects: %d\n", charter_valid(&decision));
    memset(decision.objections, 0, sizeof decision.objections);
    decision.kind = CHARTER_DECISION_AMENDMENT;
    printf("valid amendment at a SOM: %d\n", charter_valid(&decision));
    decision.meeting_kind = CHARTER_MEETING_MINISTERIAL;
    printf("valid amendment at a Ministerial: %d\n", charter_valid(&decision));

    /* The policy's own rule `host_is_chair(m: meeting): bool` (§ 3.ii). */
    struct charter_meeting meeting;
    memset(&meeting, 0, sizeof meeting);
    meeting.kind = CHARTER_MEETING_MINISTERIAL;
    meeting.date = day_number(2016, 6, 1);
    meeting.record = -1;
    const int hosts[] = {CHARTER_PARTY_KGZ, CHARTER_PARTY_TJK};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        int64_t holds = 0;
        meeting.host = hosts[i];
        if (charter_rule_host_is_chair(&meeting, &holds) != CHARTER_OK) return 1;
        printf("host_is_chair(ministerial 2016-06-01 hosted by %s): %d\n", party_name(hosts[i]), (int)holds);
    }
    return 0;
}
