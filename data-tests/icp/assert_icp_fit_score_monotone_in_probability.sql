{#- fit_score must rise with estimated_win_probability: no account may have a
    higher probability and a lower score than the previous one. -#}
with

ordered as (
    select
        account_id,
        fit_score,
        estimated_win_probability,
        lag(fit_score) over (
            order by estimated_win_probability, fit_score, account_id
        ) as previous_fit_score
    from {{ ref('account_fit_scores') }}
)

select
    account_id,
    fit_score,
    previous_fit_score
from ordered
where fit_score < previous_fit_score
