/* placeholder */
typedef int nq_output_placeholder;
