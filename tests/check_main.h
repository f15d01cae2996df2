/* The main() every Check suite shares: run one suite, honour CK_* knobs,
 * exit non-zero on any failure. */
#ifndef PV_CHECK_MAIN_H
#define PV_CHECK_MAIN_H

#include <check.h>
#include <locale.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                          \
	int main(void)                                                  \
	{                                                               \
		SRunner *sr = srunner_create(make_suite());             \
		int failed;                                             \
									\
		setlocale(LC_ALL, "C.UTF-8");                           \
		srunner_run_all(sr, CK_ENV);                            \
		failed = srunner_ntests_failed(sr);                     \
		srunner_free(sr);                                       \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;            \
	}

#endif
