{#- One row per cutoff, account and attribute value it has (the rows of
    int_icp_account_attributes): what the value adds to the account's score.
    weight is the bucket's weight under var icp_scoring_mode
    (int_icp_bucket_weights, bucket matched case-insensitively; a value no
    training account and no criterion names adds 0), with the bucket's lift,
    support and the criteria that shaped it. value_text is the value as the
    reasons say it: label and bucket (`Industry Software`) where seed
    icp_attributes says label_in_reasons, else the bucket (`uses salesforce`). -#}
with

attributes as (
    select * from {{ ref('int_icp_account_attributes') }}
),

bucket_weights as (
    select * from {{ ref('int_icp_bucket_weights') }}
),

attribute_config as (
    select * from {{ ref('icp_attributes') }}
),

contributions as (
    select
        attributes.cutoff_name,
        attributes.account_id,
        attributes.attribute_name,
        attributes.bucket,
        case
            when attribute_config.label_in_reasons
                then {{ dbt.concat(['attribute_config.label', "' '", 'attributes.bucket']) }}
            else attributes.bucket
        end as value_text,
        coalesce(bucket_weights.weight, 0) as weight,
        bucket_weights.lift,
        coalesce(attribute_config.is_scored, false) as is_scored,
        coalesce(bucket_weights.is_supported, false) as is_supported,
        coalesce(bucket_weights.is_rule_applied, false) as is_rule_applied,
        bucket_weights.rule_reason
    from attributes
    left join bucket_weights
        on
            attributes.cutoff_name = bucket_weights.cutoff_name
            and attributes.attribute_name = bucket_weights.attribute_name
            and lower(attributes.bucket) = lower(bucket_weights.bucket)
    left join attribute_config
        on attributes.attribute_name = attribute_config.attribute_name
),

final as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket,
        cast(value_text as {{ dbt.type_string() }}) as value_text,
        cast(weight as {{ type_double() }}) as weight,
        cast(lift as {{ type_double() }}) as lift,
        is_scored,
        is_supported,
        is_rule_applied,
        rule_reason
    from contributions
)

select * from final
