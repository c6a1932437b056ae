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
        attributes.bucket,
        count(*) over (
            partition by examples.cutoff_name, attributes.attribute_name, attributes.bucket
        ) as support  -- noqa: RF04
    from examples
    inner join attributes
        on
            examples.cutoff_name = attributes.cutoff_name
            and examples.account_id = attributes.account_id
    inner join scored_attributes
        on attributes.attribute_name = scored_attributes.attribute_name
),

supported as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket,
        support,
        dense_rank() over (partition by cutoff_name order by attribute_name) as block_id
    from example_buckets
    where support >= {{ var('icp_min_support') }}
),

terms as (
    select
        cutoff_name,
        account_id,
        cast('intercept' as {{ dbt.type_string() }}) as attribute_name,
        cast('intercept' as {{ dbt.type_string() }}) as bucket,
        0 as block_id
    from examples

    union all

    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket,
        block_id
    from supported
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
            when terms.block_id = 0 then 0
            else {{ var('icp_prior_strength') }} * base_rates.base_rate * (1 - base_rates.base_rate)
        end as l2_penalty,
        count(*) over (partition by terms.cutoff_name, terms.attribute_name, terms.bucket) as feature_rows,
        case when terms.block_id = 0 then ln(base_rates.base_rate / (1 - base_rates.base_rate)) else 0 end
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
