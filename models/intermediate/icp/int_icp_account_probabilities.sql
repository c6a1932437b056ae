{#- One row per cutoff and scoped account: the score before any grade or
    exclusion. total_weight = sum of the weights of the account's attribute
    values (int_icp_account_contributions; unknown values add nothing);
    estimated_win_probability = logistic(intercept + total_weight), the fitted
    logistic regression (int_icp_attribute_coefficients; without a fit the
    intercept is logit(base win rate)); fit_score = 100 x logistic(intercept +
    total_weight - logit(base win rate)), so 50 is the odds of an average
    training example and the score is monotone in the probability. The base win
    rate is the training set's (int_icp_attribute_weights_learned), or var
    icp_default_base_rate when the cutoff has none strictly between 0 and 1. -#}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

contributions as (
    select * from {{ ref('int_icp_account_contributions') }}
),

learned as (
    select * from {{ ref('int_icp_attribute_weights_learned') }}
),

intercepts as (
    select
        cutoff_name,
        coefficient as intercept
    from {{ ref('int_icp_attribute_coefficients') }}
    where is_intercept
),

base_rates as (
    select
        cutoffs.cutoff_name,
        coalesce(
            max(case when learned.base_win_rate > 0 and learned.base_win_rate < 1 then learned.base_win_rate end),
            {{ var('icp_default_base_rate') }}
        ) as base_win_rate
    from cutoffs
    left join learned
        on cutoffs.cutoff_name = learned.cutoff_name
    group by cutoffs.cutoff_name
),

account_weights as (
    select
        cutoff_name,
        account_id,
        cast(sum(cast(weight as {{ exact_decimal() }})) as {{ type_double() }}) as total_weight
    from contributions
    group by
        cutoff_name,
        account_id
),

weighted as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        base_rates.base_win_rate,
        coalesce(
            intercepts.intercept, ln(base_rates.base_win_rate / (1 - base_rates.base_win_rate))
        ) as intercept,
        coalesce(account_weights.total_weight, 0) as total_weight
    from scoped_accounts
    inner join base_rates
        on scoped_accounts.cutoff_name = base_rates.cutoff_name
    left join intercepts
        on scoped_accounts.cutoff_name = intercepts.cutoff_name
    left join account_weights
        on
            scoped_accounts.cutoff_name = account_weights.cutoff_name
            and scoped_accounts.account_id = account_weights.account_id
),

final as (
    select
        cutoff_name,
        account_id,
        cast(100.0 * {{ sigmoid(
            'intercept + total_weight - ln(base_win_rate / (1 - base_win_rate))'
        ) }} as {{ type_double() }}) as fit_score,
        cast({{ sigmoid('intercept + total_weight') }} as {{ type_double() }}) as estimated_win_probability,
        cast(total_weight as {{ type_double() }}) as total_weight,
        cast(base_win_rate as {{ type_double() }}) as base_win_rate
    from weighted
)

select * from final
