{#- One row per cutoff, ICP attribute and bucket seen among the training
    examples (int_icp_training_examples, by the mode int_icp_training_modes
    chose): support, wins and losses, and the learned weight. With W+ / W- the
    (best-customer weighted) wins / losses of the bucket, p0 the weighted base
    win rate and k = var icp_prior_strength:
      win_rate          = W+ / (W+ + W-)
      smoothed_win_rate = (W+ + k p0) / (W+ + W- + k)
      lift              = smoothed_win_rate / p0
    learned_weight is the bucket's coefficient in the jointly fitted logistic
    regression (int_icp_attribute_coefficients): what the value adds to the log
    odds once the account's other attributes are counted; 0 for a bucket of an
    attribute not scored or with fewer than var icp_min_support accounts. -#}
{%- set k = var('icp_prior_strength') -%}
with

training as (
    select * from {{ ref('int_icp_training_examples') }}
),

coefficients as (
    select * from {{ ref('int_icp_attribute_coefficients') }}
    where not is_intercept
),

attributes as (
    select * from {{ ref('int_icp_account_attributes') }}
),

totals as (
    select
        cutoff_name,
        count(*) as training_accounts,
        cast(sum(cast(won_weight as {{ exact_decimal() }})) as {{ type_double() }}) as weighted_wins,
        cast(sum(cast(lost_weight as {{ exact_decimal() }})) as {{ type_double() }}) as weighted_losses
    from training
    group by cutoff_name
),

base_rates as (
    select
        cutoff_name,
        training_accounts,
        weighted_wins,
        weighted_losses,
        case
            when weighted_wins + weighted_losses > 0
                then 1.0 * weighted_wins / (weighted_wins + weighted_losses)
        end as base_win_rate
    from totals
),

bucket_counts as (
    select
        attributes.cutoff_name,
        attributes.attribute_name,
        attributes.bucket,
        count(*) as support,  -- noqa: RF04
        sum(case when training.won_weight > 0 then 1 else 0 end) as won_accounts,
        sum(case when training.lost_weight > 0 then 1 else 0 end) as lost_accounts,
        cast(sum(cast(training.won_weight as {{ exact_decimal() }})) as {{ type_double() }}) as weighted_wins,
        cast(sum(cast(
            training.lost_weight
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as weighted_losses
    from attributes
    inner join training
        on
            attributes.cutoff_name = training.cutoff_name
            and attributes.account_id = training.account_id
    group by
        attributes.cutoff_name,
        attributes.attribute_name,
        attributes.bucket
),

rates as (
    select
        bucket_counts.cutoff_name,
        bucket_counts.attribute_name,
        bucket_counts.bucket,
        bucket_counts.support,
        bucket_counts.won_accounts,
        bucket_counts.lost_accounts,
        bucket_counts.weighted_wins,
        bucket_counts.weighted_losses,
        base_rates.base_win_rate,
        1.0 * bucket_counts.weighted_wins
        / nullif(bucket_counts.weighted_wins + bucket_counts.weighted_losses, 0) as win_rate,
        bucket_counts.weighted_wins + {{ k }} * base_rates.base_win_rate as smoothed_wins,
        bucket_counts.weighted_losses + {{ k }} * (1 - base_rates.base_win_rate) as smoothed_losses,
        bucket_counts.support >= {{ var('icp_min_support') }} as is_supported,
        base_rates.base_win_rate > 0 and base_rates.base_win_rate < 1 as has_both_outcomes
    from bucket_counts
    inner join base_rates
        on bucket_counts.cutoff_name = base_rates.cutoff_name
),

weighted as (
    select
        rates.cutoff_name,
        rates.attribute_name,
        rates.bucket,
        rates.support,
        rates.won_accounts,
        rates.lost_accounts,
        rates.weighted_wins,
        rates.weighted_losses,
        rates.base_win_rate,
        rates.win_rate,
        rates.smoothed_wins / nullif(rates.smoothed_wins + rates.smoothed_losses, 0) as smoothed_win_rate,
        rates.is_supported,
        case
            when rates.is_supported and rates.has_both_outcomes then coalesce(coefficients.coefficient, 0)
            else 0
        end as learned_weight
    from rates
    left join coefficients
        on
            rates.cutoff_name = coefficients.cutoff_name
            and rates.attribute_name = coefficients.attribute_name
            and rates.bucket = coefficients.bucket
),

final as (
    select
        cutoff_name,
        attribute_name,
        bucket,
        cast(support as {{ dbt.type_int() }}) as support,  -- noqa: RF04
        cast(won_accounts as {{ dbt.type_int() }}) as won_accounts,
        cast(lost_accounts as {{ dbt.type_int() }}) as lost_accounts,
        cast(weighted_wins as {{ type_double() }}) as weighted_wins,
        cast(weighted_losses as {{ type_double() }}) as weighted_losses,
        cast(base_win_rate as {{ type_double() }}) as base_win_rate,
        cast(win_rate as {{ type_double() }}) as win_rate,
        cast(smoothed_win_rate as {{ type_double() }}) as smoothed_win_rate,
        cast(smoothed_win_rate / nullif(base_win_rate, 0) as {{ type_double() }}) as lift,
        cast(learned_weight as {{ type_double() }}) as learned_weight,
        is_supported
    from weighted
)

select * from final
