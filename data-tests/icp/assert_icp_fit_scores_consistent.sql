{#- Row rules of account_fit_scores: scores and shares in range, excluded
    accounts are grade D with a reason and only they have one, and the grade
    follows the thresholds. -#}
select
    account_id,
    fit_score,
    fit_grade,
    is_excluded,
    exclusion_reason
from {{ ref('account_fit_scores') }}
where
    fit_score < 0 or fit_score > 100
    or estimated_win_probability < 0 or estimated_win_probability > 1
    or data_completeness < 0 or data_completeness > 1
    or (is_excluded and (fit_grade != 'D' or exclusion_reason is null))
    or (not is_excluded and exclusion_reason is not null)
    or (not is_excluded and fit_grade = 'A' and fit_score < {{ var('icp_grade_a_min_score') }})
    or (not is_excluded and fit_grade != 'A' and fit_score >= {{ var('icp_grade_a_min_score') }})
    or (not is_excluded and fit_grade = 'D' and fit_score >= {{ var('icp_grade_c_min_score') }})
