{#- One row per cutoff, training example and fitted term (the intercept and
    each bucket of a scored attribute that var icp_min_support training accounts
    or more have): the starting rows of the logistic fit in
    int_icp_attribute_coefficients, in the columns logistic_fit_steps reads
    (group_key is the cutoff, example_id the account). The penalty is
    var icp_prior_strength x p0 (1 - p0) per bucket coefficient (the curvature
    of that many pseudo-accounts at the base rate p0; the intercept is free);
    every coefficient starts at 0 but the intercept, at the base log-odds. A
    table of its own, so an engine can fit from a stored relation
    (spark__logistic_fit_steps stores the fit's states as tables). -#}
with

examples as (
    select * from {{ ref('int_icp_training_examples') }}
),

attributes as (
    select * from {{ ref('int_icp_account_attributes') }}
),

scored_attributes as (
    select attribute_name from {{ ref('icp_attributes') }}
    where is_scored
),

base_rates as (
    select
        cutoff_name,
        count(*) as examples,
        sum(won_weight) / (sum(won_weight) + sum(lost_weight)) as base_rate
    from examples
    group by cutoff_name
    having sum(won_weight) > 0 and sum(lost_weight) > 0
),

example_buckets as (
    select
        examples.cutoff_name,
        examples.account_id,
        attributes.attribute_name,
        attributes.bucket
    from examples
    inner join attributes
        on
            examples.cutoff_name = attributes.cutoff_name
            and examples.account_id = attributes.account_id
    inner join scored_attributes
        on attributes.attribute_name = scored_attributes.attribute_name
),

-- Counted by aggregation and joined back: a window count over ~10M rows per
-- cutoff holds them all in memory partition by partition.
bucket_support as (
    select
        cutoff_name,
        attribute_name,
        bucket,
        count(*) as support  -- noqa: RF04
    from example_buckets
    group by
        cutoff_name,
        attribute_name,
        bucket
),

terms as (
    select
        base_rates.cutoff_name,
        examples.account_id,
        cast('intercept' as {{ dbt.type_string() }}) as attribute_name,
        cast('intercept' as {{ dbt.type_string() }}) as bucket,
        true as is_intercept,
        base_rates.examples as feature_rows
    from examples
    inner join base_rates
        on examples.cutoff_name = base_rates.cutoff_name

    union all

    select
        example_buckets.cutoff_name,
        example_buckets.account_id,
        example_buckets.attribute_name,
        example_buckets.bucket,
        false as is_intercept,
        bucket_support.support as feature_rows
    from example_buckets
    inner join bucket_support
        on
            example_buckets.cutoff_name = bucket_support.cutoff_name
            and example_buckets.attribute_name = bucket_support.attribute_name
            and example_buckets.bucket = bucket_support.bucket
    where bucket_support.support >= {{ var('icp_min_support') }}
),

final as (
    select
        terms.cutoff_name as group_key,
        terms.account_id as example_id,
        {{ dbt.concat(['terms.attribute_name', "':'", 'terms.bucket']) }} as feature_key,
        terms.attribute_name,
        terms.bucket,
        examples.won_weight,
        examples.won_weight + examples.lost_weight as total_weight,
        case
            when terms.is_intercept then 0
            else {{ var('icp_prior_strength') }} * base_rates.base_rate * (1 - base_rates.base_rate)
        end as l2_penalty,
        terms.feature_rows,
        case when terms.is_intercept then ln(base_rates.base_rate / (1 - base_rates.base_rate)) else 0 end
            as beta,
        ln(base_rates.base_rate / (1 - base_rates.base_rate)) as eta
    from terms
    inner join examples
        on
            terms.cutoff_name = examples.cutoff_name
            and terms.account_id = examples.account_id
    inner join base_rates
        on terms.cutoff_name = base_rates.cutoff_name
)

select * from final
